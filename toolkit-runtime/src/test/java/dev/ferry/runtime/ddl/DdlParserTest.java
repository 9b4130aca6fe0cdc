package dev.ferry.runtime.ddl;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.ddl.SchemaEvent.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DdlParserTest
{
    private static final Function<TableName, TableName> SAME_TABLE = Function.identity();
    private static final UnaryOperator<String> SAME_DATABASE = UnaryOperator.identity();

    @Test
    void renameChainSwapsTablesWithoutCreatingOrDroppingAny()
    {
        ParsedDdl ddl = DdlParser.parse("RENAME TABLE a TO tmp, b TO a, tmp TO b", "shop");

        assertEquals(Kind.RENAME_TABLE, ddl.kind());
        assertEquals(List.of(table("shop.a"), table("shop.b")), ddl.affected());
        assertEquals(List.of(), ddl.created());
        assertEquals(List.of(), ddl.dropped());
        assertEquals(List.of(table("shop.a"), table("shop.b")), ddl.replaced());
        assertEquals(Map.of(table("shop.a"), table("shop.b"), table("shop.b"), table("shop.a")), ddl.renames());
        assertEquals("RENAME TABLE  `shop`.`a` TO `shop`.`tmp`, `shop`.`b` TO `shop`.`a`, `shop`.`tmp` TO `shop`.`b`",
                ddl.rewrite(SAME_TABLE, SAME_DATABASE));
    }

    @Test
    void renamePairsReportTheirNetEffect()
    {
        ParsedDdl pairs = DdlParser.parse("RENAME TABLE a TO b, c TO d", "shop");
        assertEquals(List.of(table("shop.a"), table("shop.c")), pairs.affected());
        assertEquals(List.of(table("shop.b"), table("shop.d")), pairs.created());
        assertEquals(List.of(table("shop.a"), table("shop.c")), pairs.dropped());
        assertEquals(List.of(), pairs.replaced());
        assertEquals(Map.of(table("shop.a"), table("shop.b"), table("shop.c"), table("shop.d")), pairs.renames());

        ParsedDdl chain = DdlParser.parse("RENAME TABLE a TO b, b TO c", "shop");
        assertEquals(List.of(table("shop.a")), chain.affected());
        assertEquals(List.of(table("shop.c")), chain.created());
        assertEquals(List.of(table("shop.a")), chain.dropped());
        assertEquals(List.of(), chain.replaced());

        ParsedDdl onto = DdlParser.parse("RENAME TABLE a TO old_a, b TO a", "shop");
        assertEquals(List.of(table("shop.a"), table("shop.b")), onto.affected());
        assertEquals(List.of(table("shop.old_a")), onto.created());
        assertEquals(List.of(table("shop.b")), onto.dropped());
        assertEquals(List.of(table("shop.a")), onto.replaced());
        assertEquals(Map.of(table("shop.a"), table("shop.c")), chain.renames());

        ParsedDdl back = DdlParser.parse("RENAME TABLE a TO b, b TO a", "shop");
        assertEquals(List.of(table("shop.a")), back.affected());
        assertEquals(List.of(), back.created());
        assertEquals(List.of(), back.dropped());
        assertEquals(List.of(), back.replaced());
        assertEquals(Map.of(), back.renames());

        ParsedDdl moveOut = DdlParser.parse("RENAME TABLE orders TO archive.orders", "shop");
        assertEquals(List.of(table("archive.orders")), moveOut.created());
        assertEquals(List.of(table("shop.orders")), moveOut.dropped());
        assertEquals(Map.of(table("shop.orders"), table("archive.orders")), moveOut.renames());

        ParsedDdl osc = DdlParser.parse("RENAME TABLE a TO _a_old, _a_new TO a", "shop");
        assertEquals(Map.of(table("shop.a"), table("shop._a_old"), table("shop._a_new"), table("shop.a")), osc.renames());
    }

    @Test
    void alterTableRenameCreatesAndDrops()
    {
        ParsedDdl ddl = DdlParser.parse("ALTER TABLE orders ADD COLUMN c INT, RENAME TO archive.orders", "shop");

        assertEquals(Kind.ALTER_TABLE, ddl.kind());
        assertEquals(List.of(table("shop.orders")), ddl.affected());
        assertEquals(List.of(table("archive.orders")), ddl.created());
        assertEquals(List.of(table("shop.orders")), ddl.dropped());
        assertEquals(List.of(), ddl.replaced());
        assertEquals(Map.of(table("shop.orders"), table("archive.orders")), ddl.renames());
        assertEquals(Map.of(), DdlParser.parse("ALTER TABLE orders ADD COLUMN c INT", "shop").renames());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ALTER TABLE orders ADD c INT                  | ALTER TABLE `shop`.`orders` ADD c INT",
            "CREATE TABLE orders2 LIKE orders              | CREATE TABLE `shop`.`orders2` LIKE `shop`.`orders`",
            "TRUNCATE orders                               | TRUNCATE `shop`.`orders`",
            "DROP TABLE orders, crm.contacts               | DROP TABLE `shop`.`orders`, `crm`.`contacts`",
            "CREATE INDEX i ON orders (c)                  | CREATE INDEX i ON `shop`.`orders` (c)",
            "DROP INDEX i ON orders                        | DROP INDEX i ON `shop`.`orders`",
            "RENAME TABLE orders TO orders_old             | RENAME TABLE  `shop`.`orders` TO `shop`.`orders_old`",
    })
    void unqualifiedNamesResolveAgainstTheDefaultDatabaseAndComeOutQualified(String sql, String expected)
    {
        ParsedDdl ddl = DdlParser.parse(sql, "shop");

        assertEquals("shop", ddl.affected().get(0).database());
        assertEquals(expected, ddl.rewrite(SAME_TABLE, SAME_DATABASE));
    }

    @Test
    void unqualifiedNameWithoutDefaultDatabaseIsRejected()
    {
        UnparseableDdlException e = assertThrows(UnparseableDdlException.class, () -> DdlParser.parse("ALTER TABLE orders ADD c INT", null));

        assertEquals("table `orders` is not qualified and no default database is set", e.reason());
        assertEquals(Kind.ALTER_TABLE, DdlParser.parse("ALTER TABLE shop.orders ADD c INT", null).kind());
    }

    @Test
    void namesWithDotsAndBackquotesSurvive()
    {
        ParsedDdl create = DdlParser.parse("CREATE TABLE `we.ird` (`a``b` INT, `c.d` INT, KEY `k.1` (`a``b`))", "my`db");
        assertEquals(List.of(new TableName("my`db", "we.ird")), create.created());
        assertEquals("CREATE TABLE `my``db`.`we.ird` (`a``b` INT, `c.d` INT, KEY `k.1` (`a``b`))", create.rewrite(SAME_TABLE, SAME_DATABASE));

        Function<TableName, TableName> toOdd = name -> new TableName("new.db", name.table() + "`x");
        ParsedDdl alter = DdlParser.parse("ALTER TABLE `db.1`.`t``1` RENAME TO `db.1`.`t.2`", null);
        assertEquals(List.of(new TableName("db.1", "t`1")), alter.affected());
        assertEquals(List.of(new TableName("db.1", "t.2")), alter.created());
        assertEquals("ALTER TABLE `new.db`.`t``1``x` RENAME TO `new.db`.`t.2``x`", alter.rewrite(toOdd, SAME_DATABASE));

        ParsedDdl drop = DdlParser.parse("DROP TABLE `a``b`, `c.d` /* generated by server */", "shop");
        assertEquals(List.of(new TableName("shop", "a`b"), new TableName("shop", "c.d")), drop.dropped());
        assertEquals("DROP TABLE `new.db`.`a``b``x`, `new.db`.`c.d``x` /* generated by server */", drop.rewrite(toOdd, SAME_DATABASE));
    }

    @Test
    void mixedCaseAndReservedWordsAreKept()
    {
        ParsedDdl ddl = DdlParser.parse("ALTER TABLE `Shop`.`Select` ADD COLUMN `From` INT", null);

        assertEquals(List.of(new TableName("Shop", "Select")), ddl.affected());
        assertEquals("ALTER TABLE `Shop`.`Select` ADD COLUMN `From` INT", ddl.rewrite(SAME_TABLE, SAME_DATABASE));
    }

    @Test
    void rewriteCanRunAgainWithAnotherMapping()
    {
        ParsedDdl ddl = DdlParser.parse("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id)", "shop");

        String first = ddl.rewrite(name -> new TableName("a", name.table()), SAME_DATABASE);
        String second = ddl.rewrite(name -> new TableName("b", name.table()), SAME_DATABASE);

        assertEquals("ALTER TABLE `a`.`orders` ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES `a`.`customers`(id)", first);
        assertEquals("ALTER TABLE `b`.`orders` ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES `b`.`customers`(id)", second);
    }

    @Test
    void referencedTablesAreListedApart()
    {
        ParsedDdl like = DdlParser.parse("CREATE TABLE orders_copy LIKE crm.orders", "shop");
        assertEquals(List.of(table("shop.orders_copy")), like.created());
        assertEquals(List.of(table("crm.orders")), like.referenced());

        ParsedDdl foreignKeys = DdlParser.parse("CREATE TABLE items (id INT, o INT REFERENCES orders (id), FOREIGN KEY (id) REFERENCES crm.c (id))", "shop");
        assertEquals(List.of(table("shop.orders"), table("crm.c")), foreignKeys.referenced());
        assertEquals(List.of(table("shop.items")), foreignKeys.affected());
    }

    @Test
    void createTableSelectIsClassifiedButNotRewritten()
    {
        ParsedDdl ddl = DdlParser.parse("CREATE TABLE summary SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id", "shop");

        assertEquals(Kind.CREATE_TABLE, ddl.kind());
        assertEquals(List.of(table("shop.summary")), ddl.created());
        assertEquals(List.of(table("shop.orders")), ddl.referenced());
        assertTrue(ddl.caveat().orElseThrow().startsWith("CREATE TABLE ... SELECT"));
        UnparseableDdlException e = assertThrows(UnparseableDdlException.class, () -> ddl.rewrite(SAME_TABLE, SAME_DATABASE));
        assertTrue(e.reason().contains("row events"), e.reason());
    }

    @Test
    void statementsPrintedBackWronglyAreRewrittenFromTheirOwnText()
    {
        // JSQLParser 5.3 prints the key as PRIMARY KEY (a, b), losing the DESC: the token reader
        // splices the new name into the original text instead
        ParsedDdl ddl = DdlParser.parse("CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b DESC))", "shop");

        assertEquals(Kind.CREATE_TABLE, ddl.kind());
        assertEquals(List.of(table("shop.t")), ddl.created());
        assertEquals("CREATE TABLE `shop`.`t` (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b DESC))", ddl.rewrite(SAME_TABLE, SAME_DATABASE));
    }

    @Test
    void syntaxJsqlParserLacksIsReadFromTokensWithEveryTableName()
    {
        ParsedDdl ddl = DdlParser.parse("ALTER TABLE orders ADD COLUMN c INT INVISIBLE, ADD FOREIGN KEY (c) REFERENCES crm.customers (id), "
                + "RENAME COLUMN x TO y, RENAME TO orders_old", "shop");

        assertEquals(Kind.ALTER_TABLE, ddl.kind());
        assertEquals(List.of(table("shop.orders")), ddl.affected());
        assertEquals(List.of(table("shop.orders_old")), ddl.created());
        assertEquals(List.of(table("shop.orders")), ddl.dropped());
        assertEquals(List.of(table("crm.customers")), ddl.referenced());
        assertEquals(Map.of(table("shop.orders"), table("shop.orders_old")), ddl.renames());
        assertEquals("ALTER TABLE `archive`.`orders` ADD COLUMN c INT INVISIBLE, ADD FOREIGN KEY (c) REFERENCES `archive`.`customers` (id), "
                + "RENAME COLUMN x TO y, RENAME TO `archive`.`orders_old`", ddl.rewrite(name -> new TableName("archive", name.table()), SAME_DATABASE));
    }

    @Test
    void databasesAreRewrittenWithTheDatabaseMapping()
    {
        ParsedDdl create = DdlParser.parse("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */", null);
        assertEquals(Kind.CREATE_DATABASE, create.kind());
        assertEquals(Set.of("shop"), create.databasesCreated());
        assertEquals("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop_new` /*!40100 DEFAULT CHARACTER SET utf8mb4 */",
                create.rewrite(SAME_TABLE, name -> name + "_new"));

        ParsedDdl drop = DdlParser.parse("DROP SCHEMA IF EXISTS shop", null);
        assertEquals(Set.of("shop"), drop.databasesDropped());
        assertEquals("DROP SCHEMA IF EXISTS `shop_new`", drop.rewrite(SAME_TABLE, name -> name + "_new"));
        assertFalse(drop.changesStructure() && drop.kind() == Kind.IGNORED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GRANT SELECT ON shop.* TO 'app'@'%'                                   | grant",
            "REVOKE ALL ON *.* FROM app                                            | revoke",
            "CREATE USER app IDENTIFIED BY 'x'                                     | user",
            "ALTER USER app ACCOUNT LOCK                                           | user",
            "DROP USER app                                                         | user",
            "RENAME USER a TO b                                                    | user",
            "SET PASSWORD FOR app = 'x'                                            | user",
            "CREATE DEFINER=`root`@`%` PROCEDURE p() BEGIN END                     | procedure",
            "DROP PROCEDURE IF EXISTS p                                            | procedure",
            "CREATE DEFINER='root'@'localhost' FUNCTION f() RETURNS INT RETURN 1   | function",
            "DROP FUNCTION IF EXISTS f                                             | function",
            "CREATE DEFINER=root@localhost TRIGGER t BEFORE INSERT ON o FOR EACH ROW SET @x = 1 | trigger",
            "DROP TRIGGER t                                                        | trigger",
            "CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v AS SELECT 1 | view",
            "ALTER DEFINER=CURRENT_USER() VIEW v AS SELECT 2                       | view",
            "DROP VIEW v                                                           | view",
            "CREATE DEFINER=CURRENT_USER EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t | event",
            "ALTER EVENT e RENAME TO e2                                            | event",
            "DROP EVENT e                                                          | event",
            "CREATE TEMPORARY TABLE t (id INT)                                     | temporary",
            "CREATE OR REPLACE TEMPORARY TABLE t (id INT)                          | temporary",
            "DROP TEMPORARY TABLE IF EXISTS `t` /* generated by server */          | temporary",
            "ALTER DATABASE shop CHARACTER SET utf8mb4                             | other",
            "SELECT 1                                                              | other",
            "/* nothing */                                                         | other",
    })
    void ignoredStatementsComeBackUnchanged(String sql, String category)
    {
        ParsedDdl ddl = DdlParser.parse(sql, "shop");

        assertEquals(Kind.IGNORED, ddl.kind());
        assertEquals(Optional.of(category), ddl.ignoredCategory());
        assertFalse(ddl.changesStructure());
        assertEquals(List.of(), ddl.affected());
        assertEquals(sql, ddl.rewrite(name -> {
            throw new AssertionError("no table to rename in " + sql);
        }, SAME_DATABASE));
    }

    @Test
    void unparseableStatementMessageHoldsStatementAndReason()
    {
        String sql = "ALTER TABLE orders ADD COLUMN c INT INVISIBLE, EXCHANGE PARTITION p WITH TABLE other";
        UnparseableDdlException e = assertThrows(UnparseableDdlException.class, () -> DdlParser.parse(sql, "shop"));

        assertEquals(sql, e.sql());
        assertTrue(e.reason().startsWith("JSQLParser: Encountered unexpected token: \"INVISIBLE\""), e.reason());
        assertEquals("cannot handle DDL statement: " + e.reason() + ": " + sql, e.getMessage());
    }

    @Test
    void unparseableStatementMessageTruncatesLongStatements()
    {
        String sql = "ALTER TABLE orders ADD COLUMN c INT INVISIBLE, EXCHANGE PARTITION p WITH TABLE other, " + "ADD COLUMN x INT, ".repeat(60)
                + "ADD COLUMN tail_marker INT";
        UnparseableDdlException e = assertThrows(UnparseableDdlException.class, () -> DdlParser.parse(sql, "shop"));

        assertEquals(sql, e.sql());
        assertTrue(e.getMessage().endsWith(sql.substring(0, 500) + "... (" + sql.length() + " characters)"), e.getMessage());
        assertFalse(e.getMessage().contains("tail_marker"));
    }

    @Test
    void unterminatedLiteralIsUnparseable()
    {
        UnparseableDdlException e = assertThrows(UnparseableDdlException.class, () -> DdlParser.parse("CREATE TABLE t (a INT COMMENT 'x)", "shop"));

        assertEquals("string starting at offset 30 is not closed", e.reason());
    }

    @Test
    void binlogDecorationsAreTolerated()
    {
        ParsedDdl mysql = DdlParser.parse("ALTER TABLE `orders` ADD COLUMN `c` INT /* xid=8812 */", "shop");
        assertEquals("ALTER TABLE `shop`.`orders` ADD COLUMN `c` INT", mysql.rewrite(SAME_TABLE, SAME_DATABASE));

        ParsedDdl mariadb = DdlParser.parse("DROP TABLE IF EXISTS `orders` /* generated by server */", "shop");
        assertEquals(List.of(table("shop.orders")), mariadb.dropped());
        assertEquals("DROP TABLE IF EXISTS `shop`.`orders` /* generated by server */", mariadb.rewrite(SAME_TABLE, SAME_DATABASE));
    }

    @Test
    void lineCommentsDoNotSwallowLaterClauses()
    {
        ParsedDdl ddl = DdlParser.parse("ALTER TABLE orders ADD COLUMN c INT # note\n, ADD COLUMN d INT -- more\n, DROP COLUMN e", "shop");

        assertEquals("ALTER TABLE `shop`.`orders` ADD COLUMN c INT, ADD COLUMN d INT, DROP COLUMN e", ddl.rewrite(SAME_TABLE, SAME_DATABASE));
    }

    @Test
    void placeholderWordsNeverCollideWithTheStatement()
    {
        String sql = "ALTER TABLE orders ADD COLUMN ferry_hidden_0 INT, ADD COLUMN `x.y` INT, DROP FOREIGN KEY fk";
        ParsedDdl ddl = DdlParser.parse(sql, "shop");

        assertEquals("ALTER TABLE `shop`.`orders` ADD COLUMN ferry_hidden_0 INT, ADD COLUMN `x.y` INT, DROP FOREIGN KEY fk",
                ddl.rewrite(SAME_TABLE, SAME_DATABASE));
    }

    @Test
    void rewriteMustNotReturnNull()
    {
        ParsedDdl ddl = DdlParser.parse("TRUNCATE orders", "shop");

        NullPointerException e = assertThrows(NullPointerException.class, () -> ddl.rewrite(name -> null, SAME_DATABASE));
        assertEquals("tableRewrite returned null for shop.orders", e.getMessage());
    }

    @Test
    void schemaEventCarriesTheClassification()
    {
        PositionPair position = PositionPair.at(new BinlogPosition("binlog.000042", 4711, null));
        SchemaEvent event = DdlParser.parse("DROP TABLE orders, customers", "shop").toSchemaEvent(position);

        assertEquals(Kind.DROP_TABLE, event.kind());
        assertEquals("DROP TABLE orders, customers", event.sql());
        assertEquals("shop", event.defaultDatabase());
        assertEquals(List.of(table("shop.orders"), table("shop.customers")), event.affected());
        assertEquals(List.of(table("shop.orders"), table("shop.customers")), event.dropped());
        assertEquals(position, event.position());
    }

    private static TableName table(String qualified)
    {
        return TableName.parse(qualified);
    }
}
