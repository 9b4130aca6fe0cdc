package dev.ferry.runtime.ddl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PrintCheckTest
{
    @Test
    void spacingAndKeywordCaseDoNotMatter()
    {
        assertNull(PrintCheck.firstDifference("alter table t add c varchar(5) default 'x'", "ALTER TABLE t ADD c VARCHAR (5) DEFAULT 'x'"));
    }

    @Test
    void literalsQuotedNamesAndClausesDo()
    {
        assertEquals("JSQLParser prints it back differently, near \"TER TABLE t COMMENT 'X'\" (expected \"TER TABLE t COMMENT 'x'\")",
                PrintCheck.firstDifference("ALTER TABLE t COMMENT 'x'", "ALTER TABLE t COMMENT 'X'"));
        assertEquals("JSQLParser prints it back differently, near \"CREATE TABLE \"a\" (x INT)\" (expected \"CREATE TABLE `a` (x INT)\")",
                PrintCheck.firstDifference("CREATE TABLE `a` (x INT)", "CREATE TABLE \"a\" (x INT)"));
        assertEquals("JSQLParser drops \"PARTITION BY HASH (a)\" when printing it back",
                PrintCheck.firstDifference("CREATE TABLE t (a INT) PARTITION BY HASH (a)", "CREATE TABLE t (a INT)"));
        assertEquals("JSQLParser adds \"null\" when printing it back",
                PrintCheck.firstDifference("ALTER TABLE t ADD CONSTRAINT", "ALTER TABLE t ADD CONSTRAINT null"));
    }
}
