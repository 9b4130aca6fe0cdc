package dev.ferry.runtime.ddl;

import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per pre-parse step: what it produces, that JSQLParser 5.3 needs it (so an upgrade that
 * makes a step obsolete shows up here), and that printing and restoring gives the statement back.
 */
class DdlPreParserTest
{
    @Test
    void versionedCommentsAreUnwrapped()
    {
        String sql = "CREATE TABLE t (id INT) /*!40100 DEFAULT CHARSET=utf8mb4 */";

        assertEquals("CREATE TABLE t (id INT) DEFAULT CHARSET=utf8mb4", prepare(sql).sql());
        assertJSqlParserMisprints(sql);
        assertEquals("CREATE TABLE t (id INT) ENGINE=InnoDB", prepare("CREATE TABLE t (id INT) /*M!100100 ENGINE=InnoDB*/").sql());
    }

    @Test
    void commentsAndTrailingSemicolonAreDropped()
    {
        String sql = "ALTER TABLE t /* why */ ADD COLUMN c INT # because\n;";

        assertEquals("ALTER TABLE t ADD COLUMN c INT", prepare(sql).sql());
        // JSQLParser keeps # comments as words and prints them on one line, commenting out what follows
        assertJSqlParserMisprints("ALTER TABLE t ADD COLUMN c INT # note\n, ADD COLUMN d INT");
        assertEquals("ALTER TABLE t ADD COLUMN c INT", prepare("ALTER TABLE t ADD COLUMN c INT -- note").sql());
    }

    @Test
    void escapedDoubleQuotesAreDoubled()
    {
        String sql = "ALTER TABLE t ADD COLUMN c INT COMMENT \"say \\\"hi\\\" \\\\ bye\"";

        assertEquals("ALTER TABLE t ADD COLUMN c INT COMMENT \"say \"\"hi\"\" \\\\ bye\"", prepare(sql).sql());
        assertJSqlParserRejects(sql);
        assertRoundTrip("ALTER TABLE t ADD COLUMN c INT COMMENT \"say \"\"hi\"\" \\\\ bye\"", sql);
    }

    @Test
    void unusualIdentifiersBecomePlaceholders()
    {
        String sql = "ALTER TABLE `we.ird` ADD COLUMN `a``b` INT, ADD COLUMN `c\\d` INT, ADD COLUMN `plain` INT";
        PreparedDdl prepared = prepare(sql);

        assertEquals("ALTER TABLE ferry_hidden_0 ADD COLUMN ferry_hidden_1 INT, ADD COLUMN ferry_hidden_2 INT, ADD COLUMN `plain` INT", prepared.sql());
        assertJSqlParserRejects("ALTER TABLE t ADD COLUMN `a``b` INT");
        assertJSqlParserMisprints("ALTER TABLE `we.ird` ADD COLUMN c INT");
        assertRoundTrip(sql, sql);
    }

    @Test
    void renameTargetBecomesOnePlaceholderAfterTo()
    {
        assertEquals("ALTER TABLE t RENAME TO ferry_hidden_0", prepare("ALTER TABLE t RENAME t2").sql());
        assertEquals("ALTER TABLE t RENAME TO ferry_hidden_0", prepare("ALTER TABLE t RENAME AS `db`.`t2`").sql());
        assertEquals("ALTER TABLE t ADD c INT, RENAME TO ferry_hidden_0", prepare("ALTER TABLE t ADD c INT, RENAME TO db.t2").sql());
        assertEquals("ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX i TO j", prepare("ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX i TO j").sql());
        assertEquals("db.t2", prepare("ALTER TABLE t RENAME TO db.t2").placeholders().get("ferry_hidden_0").original());

        assertJSqlParserRejects("ALTER TABLE t RENAME t2");
        assertJSqlParserRejects("ALTER TABLE t RENAME TO db.t2");
    }

    @Test
    void exchangedTableBecomesAPlaceholder()
    {
        String sql = "ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE `archive`.`t0`";

        assertEquals("ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE ferry_hidden_0", prepare(sql).sql());
        assertJSqlParserRejects(sql);
        assertJSqlParserRejects("ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE `t0`");
    }

    @Test
    void columnKeywordBeforeAColumnListIsDropped()
    {
        String sql = "ALTER TABLE t ADD COLUMN (a INT, b INT)";

        assertEquals("ALTER TABLE t ADD (a INT, b INT)", prepare(sql).sql());
        assertJSqlParserMisprints(sql);
        assertEquals("ALTER TABLE t ADD COLUMN a INT", prepare("ALTER TABLE t ADD COLUMN a INT").sql());
    }

    @Test
    void unsupportedAlterClausesAreHidden()
    {
        String dropForeignKey = "ALTER TABLE t DROP FOREIGN KEY fk_1, DROP COLUMN c";
        assertEquals("ALTER TABLE t DROP ferry_hidden_0, DROP COLUMN c", prepare(dropForeignKey).sql());
        assertJSqlParserRejects(dropForeignKey);
        assertRoundTrip(dropForeignKey, dropForeignKey);

        String dropCheck = "ALTER TABLE t DROP CHECK chk, ADD CONSTRAINT chk CHECK (a > 0)";
        assertEquals("ALTER TABLE t DROP ferry_hidden_0, ADD CONSTRAINT chk CHECK (a > 0)", prepare(dropCheck).sql());
        assertJSqlParserRejects(dropCheck);
        assertRoundTrip(dropCheck, dropCheck);

        String ifExists = "ALTER TABLE t ADD UNIQUE INDEX IF NOT EXISTS u (a), DROP KEY IF EXISTS k";
        assertEquals("ALTER TABLE t DROP ferry_hidden_0, DROP ferry_hidden_1", prepare(ifExists).sql());
        assertJSqlParserRejects("ALTER TABLE t ADD UNIQUE INDEX IF NOT EXISTS u (a)");
        assertJSqlParserRejects("ALTER TABLE t DROP KEY IF EXISTS k");
        assertRoundTrip(ifExists, ifExists);
    }

    @Test
    void partitionClausesOfAlterTableAreHidden()
    {
        String add = "ALTER TABLE t ADD PARTITION (PARTITION p9 VALUES LESS THAN (10))";
        assertEquals("ALTER TABLE t DROP ferry_hidden_0", prepare(add).sql());
        assertJSqlParserMisprints(add);
        assertRoundTrip(add, add);

        String drop = "ALTER TABLE t DROP PARTITION p1, p2";
        assertEquals("ALTER TABLE t DROP ferry_hidden_0", prepare(drop).sql());
        assertJSqlParserMisprints(drop);
        assertRoundTrip(drop, drop);

        String reorganize = "ALTER TABLE t REORGANIZE PARTITION pm INTO (PARTITION pm VALUES LESS THAN MAXVALUE)";
        assertJSqlParserMisprints(reorganize);
        assertRoundTrip(reorganize, reorganize);

        String partitionBy = "ALTER TABLE t PARTITION BY HASH (id) PARTITIONS 8";
        assertJSqlParserRejects(partitionBy);
        assertRoundTrip(partitionBy, partitionBy);

        // a hidden clause could hide a table name from classification and rewriting
        assertEquals("ALTER TABLE t DROP PARTITION p1, RENAME TO ferry_hidden_0", prepare("ALTER TABLE t DROP PARTITION p1, RENAME TO t2").sql());
    }

    @Test
    void keyDefinitionsGetNamesAndKeywordsJSqlParserTakes()
    {
        String sql = "CREATE TABLE t (a INT, b INT, KEY (a), UNIQUE INDEX u (b), FULLTEXT INDEX (c), CHECK (a > 0), CONSTRAINT CHECK (b > 0))";

        assertEquals("CREATE TABLE t (a INT, b INT, KEY ferry_hidden_0 (a), UNIQUE KEY u (b), FULLTEXT KEY ferry_hidden_1 (c),"
                + " CONSTRAINT ferry_hidden_2 CHECK (a > 0), CONSTRAINT ferry_hidden_3 CHECK (b > 0))", prepare(sql).sql());
        assertJSqlParserRejects("CREATE TABLE t (a INT, KEY (a))");
        assertJSqlParserRejects("CREATE TABLE t (a INT, UNIQUE INDEX u (a))");
        assertJSqlParserMisprints("CREATE TABLE t (a INT, CHECK (a > 0))");
        assertRoundTrip("CREATE TABLE t (a INT, b INT, KEY (a), UNIQUE KEY u (b), FULLTEXT KEY (c), CONSTRAINT CHECK (a > 0), CONSTRAINT CHECK (b > 0))", sql);
    }

    @Test
    void unsupportedTableOptionsAreHidden()
    {
        String sql = "CREATE TABLE t (a INT) ENGINE=InnoDB KEY_BLOCK_SIZE=8 PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10))";

        assertEquals("CREATE TABLE t (a INT) ENGINE=InnoDB ferry_hidden_0 ferry_hidden_1", prepare(sql).sql());
        assertJSqlParserRejects("CREATE TABLE t (a INT) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8");
        assertJSqlParserRejects("CREATE TABLE t (a INT) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10))");
        assertRoundTrip("CREATE TABLE t (a INT) ENGINE = InnoDB KEY_BLOCK_SIZE=8 PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10))", sql);
    }

    @Test
    void createTableSelectGetsAs()
    {
        String sql = "CREATE TABLE t (a INT) SELECT a FROM s";

        assertEquals("CREATE TABLE t (a INT) AS SELECT a FROM s", prepare(sql).sql());
        assertJSqlParserRejects(sql);
        assertEquals("CREATE TABLE t AS SELECT 1", prepare("CREATE TABLE t AS SELECT 1").sql());
    }

    @Test
    void renameTablesBecomesRenameTable()
    {
        String sql = "RENAME TABLES a TO b";

        assertEquals("RENAME TABLE a TO b", prepare(sql).sql());
        assertJSqlParserRejects(sql);
    }

    @Test
    void placeholderPrefixAvoidsWordsOfTheStatement()
    {
        PreparedDdl prepared = prepare("ALTER TABLE ferry_hidden_0 ADD COLUMN `x.y` INT");

        assertEquals("ALTER TABLE ferry_hidden_0 ADD COLUMN ferry_hidden_x_0 INT", prepared.sql());
        assertEquals("ALTER TABLE ferry_hidden_0 ADD COLUMN `x.y` INT", prepared.restore(prepared.sql()));
    }

    private static PreparedDdl prepare(String sql)
    {
        return DdlPreParser.prepare(sql, SqlTokenizer.tokenize(sql));
    }

    /**
     * Parses the prepared statement, prints it with JSQLParser and restores the placeholders.
     */
    private static void assertRoundTrip(String expected, String sql)
    {
        PreparedDdl prepared = prepare(sql);
        Statement statement = parse(prepared.sql());
        assertFalse(statement instanceof UnsupportedStatement, prepared.sql());
        assertEquals(null, PrintCheck.firstDifference(prepared.sql(), statement.toString()));
        assertEquals(null, PrintCheck.firstDifference(expected, prepared.restore(statement.toString())));
    }

    private static void assertJSqlParserRejects(String sql)
    {
        Statement statement;
        try {
            statement = parse(sql);
        }
        catch (RuntimeException e) {
            return;
        }
        assertTrue(statement instanceof UnsupportedStatement, "JSQLParser now parses " + sql + ": the pre-parse step may be obsolete");
    }

    private static void assertJSqlParserMisprints(String sql)
    {
        String printed = parse(sql).toString();
        assertNotEquals(null, PrintCheck.firstDifference(sql, printed), "JSQLParser now prints " + sql + " faithfully: the pre-parse step may be obsolete");
    }

    private static Statement parse(String sql)
    {
        try {
            return CCJSqlParserUtil.newParser(sql).withBackslashEscapeCharacter(true).withUnsupportedStatements(false).Statement();
        }
        catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
