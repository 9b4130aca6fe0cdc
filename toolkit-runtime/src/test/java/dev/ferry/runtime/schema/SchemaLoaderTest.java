package dev.ferry.runtime.schema;

import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.TableName;
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

    @Test
    void compositeForeignKeyWithItsActions()
    {
        ForeignKey key = SchemaLoader.foreignKey("fk_line", List.of(
                new String[] {"order_id", "shop", "order_lines", "order_id", "CASCADE", "SET NULL"},
                new String[] {"line_no", "shop", "order_lines", "line_no", "CASCADE", "SET NULL"}));
        assertEquals(new ForeignKey("fk_line", List.of("order_id", "line_no"), TableName.parse("shop.order_lines"), List.of("order_id", "line_no"),
                ForeignKey.Action.CASCADE, ForeignKey.Action.SET_NULL), key);
    }

    @Test
    void foreignKeyWithoutReferentialConstraintRowHasTheDefaultActions()
    {
        ForeignKey key = SchemaLoader.foreignKey("fk", List.<String[]>of(new String[] {"p", "db", "parent", "id", null, null}));
        assertEquals(ForeignKey.Action.RESTRICT, key.onDelete());
        assertEquals(ForeignKey.Action.RESTRICT, key.onUpdate());
    }

    @Test
    void unknownRuleNamesTheForeignKey()
    {
        SchemaException e = org.junit.jupiter.api.Assertions.assertThrows(SchemaException.class,
                () -> SchemaLoader.foreignKey("fk_x", List.<String[]>of(new String[] {"p", "db", "parent", "id", "WHATEVER", "RESTRICT"})));
        assertEquals("foreign key fk_x referencing db.parent: unknown referential action \"WHATEVER\"; "
                + "expected RESTRICT, NO ACTION, CASCADE, SET NULL or SET DEFAULT", e.getMessage());
    }
}
