package dev.ferry.runtime.apply;

import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.sql.StatementTag;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static dev.ferry.testing.spi.TestingTables.row;
import static dev.ferry.testing.spi.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TableStatementsTest
{
    private static final TableName TARGET = new TableName("shop_new", "t");

    @Test
    void deletesByNumericAndTemporalKeysAreSentAsText()
            throws Exception
    {
        TableSchema schema = table("shop.t").column("id", "bigint unsigned").column("at", "datetime").nullable("v", "varchar(20)").primaryKey("id", "at").build();
        TableStatements statements = new TableStatements(schema, TARGET, StatementTag.NONE);
        Recording recording = new Recording();
        statements.delete(recording.connection(), List.of(row("18446744073709551615", "2024-01-02 03:04:05", "a"), row("-7", "2024-01-02 03:04:06", null)), 0, 2);
        assertEquals(List.of("DELETE FROM `shop_new`.`t` WHERE (`id` = 18446744073709551615 AND `at` = x'323032342d30312d30322030333a30343a3035')"
                + " OR (`id` = -7 AND `at` = x'323032342d30312d30322030333a30343a3036')"), recording.texts);
        assertEquals(List.of(), recording.prepared);
        assertFalse(recording.escapeProcessing);
    }

    @Test
    void deletesByTextKeysAndOddNumbersAreBound()
            throws Exception
    {
        TableSchema text = table("shop.t").column("code", "varchar(20)").column("v", "int").primaryKey("code").build();
        Recording recording = new Recording();
        new TableStatements(text, TARGET, StatementTag.NONE).delete(recording.connection(), List.of(row("a'b", "1"), row("c", "2")), 0, 2);
        assertEquals(List.of("DELETE FROM `shop_new`.`t` WHERE (`code` = ?) OR (`code` = ?)"), recording.prepared);
        assertEquals(List.of("a'b", "c"), recording.bound);
        assertEquals(List.of(), recording.texts);

        // a number the decoder never hands over is bound rather than written in
        TableSchema numeric = table("shop.t").column("id", "decimal(10,2)").primaryKey("id").build();
        Recording odd = new Recording();
        new TableStatements(numeric, TARGET, StatementTag.NONE).delete(odd.connection(), List.of(row("1e5")), 0, 1);
        assertEquals(List.of("DELETE FROM `shop_new`.`t` WHERE (`id` = ?)"), odd.prepared);
        assertEquals(List.of(), odd.texts);
    }

    @Test
    void upsertsAreSentAsTextWithoutEscapeProcessing()
            throws Exception
    {
        TableSchema schema = table("shop.t").column("id", "int").nullable("v", "varchar(20)").primaryKey("id").build();
        Recording recording = new Recording();
        new TableStatements(schema, TARGET, StatementTag.NONE).write(recording.connection(), List.of(row("1", "x"), row("2", null)), 0, 2, 1 << 20);
        assertEquals(List.of("INSERT INTO `shop_new`.`t` (`id`, `v`) VALUES (x'31',x'78'),(x'32',NULL) ON DUPLICATE KEY UPDATE `id` = VALUES(`id`), `v` = VALUES(`v`)"),
                recording.texts);
        assertFalse(recording.escapeProcessing);
        // statements stay under the size given: one row each here
        Recording split = new Recording();
        new TableStatements(schema, TARGET, StatementTag.NONE).write(split.connection(), List.of(row("1", "x"), row("2", "y"), row("3", "z")), 0, 3, 1);
        assertEquals(3, split.texts.size());
    }

    /**
     * A connection that records the texts sent as plain statements, and the texts and bound
     * values of prepared ones.
     */
    private static final class Recording
    {
        final List<String> texts = new ArrayList<>();
        final List<String> prepared = new ArrayList<>();
        final List<Object> bound = new ArrayList<>();
        boolean escapeProcessing = true;

        Connection connection()
        {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "createStatement":
                        return statement(Statement.class);
                    case "prepareStatement":
                        prepared.add((String) args[0]);
                        return statement(PreparedStatement.class);
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
        }

        private Object statement(Class<? extends Statement> type)
        {
            return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "setEscapeProcessing":
                        escapeProcessing = (Boolean) args[0];
                        return null;
                    case "executeUpdate":
                        if (args != null) {
                            texts.add((String) args[0]);
                        }
                        return 1;
                    case "setString":
                    case "setLong":
                    case "setBigDecimal":
                    case "setBytes":
                        bound.add(args[1]);
                        return null;
                    case "close":
                        return null;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
        }
    }
}
