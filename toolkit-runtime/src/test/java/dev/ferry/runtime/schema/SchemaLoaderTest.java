package dev.ferry.runtime.schema;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SchemaLoaderTest
{
    @Test
    void enumMembers()
    {
        assertEquals(List.of("a", "b", "c"), SchemaLoader.enumMembers("enum('a','b','c')"));
        assertEquals(List.of("small", "medium"), SchemaLoader.enumMembers("ENUM('small','medium')"));
        assertEquals(List.of(), SchemaLoader.enumMembers("int(11)"));
    }

    /**
     * Members as MariaDB 10.11 prints them in {@code information_schema.columns.column_type} for
     * {@code enum('x''y','b\\c','p,q','(r)','','ü')}: quotes doubled, backslashes escaped.
     */
    @Test
    void enumMembersWithQuotesBackslashesCommasAndParentheses()
    {
        assertEquals(List.of("x'y", "b\\c", "p,q", "(r)", "", "ü"), SchemaLoader.enumMembers("enum('x''y','b\\\\c','p,q','(r)','','ü')"));
        assertEquals(List.of("it's", "a)b", ")"), SchemaLoader.enumMembers("enum('it''s','a)b',')')"));
    }

    @Test
    void setMembersIncludingTheEmptyOne()
    {
        assertEquals(List.of("a", "bc", ""), SchemaLoader.enumMembers("set('a','bc','')"));
        assertEquals(List.of(""), SchemaLoader.enumMembers("set('')"));
    }

    @Test
    void fingerprintFollowsStructure()
    {
        String base = TestingTables.table("db.t").column("id", "int(11)", false).column("v", "varchar(10)", true).primaryKey("id").build().fingerprint();
        String same = TestingTables.table("other.u").column("id", "int(11)", false).column("v", "varchar(10)", true).primaryKey("id").build().fingerprint();
        String wider = TestingTables.table("db.t").column("id", "int(11)", false).column("v", "varchar(11)", true).primaryKey("id").build().fingerprint();
        String indexed = TestingTables.table("db.t").column("id", "int(11)", false).column("v", "varchar(10)", true).primaryKey("id").index("v", "v").build().fingerprint();
        assertEquals(base, same, "the name is not part of the structure");
        assertNotEquals(base, wider);
        assertNotEquals(base, indexed);
        assertEquals(24, base.length());
    }
}
