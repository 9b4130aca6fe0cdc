package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InsertStatementTest
{
    private static final TableName TARGET = new TableName("shop_new", "order`s");
    private static final List<Column> COLUMNS = List.of(column("id", 0), column("name", 1), column("payload", 2));
    // laid out as (id, name, payload)
    private static final List<Row> ROWS = List.of(
            row("1", "a", null),
            row("2", "b", "x"),
            row("3", null, "y"),
            row("4", "d", "z"));

    @Test
    void ignoreStatement()
    {
        InsertStatement insert = new InsertStatement(TARGET, COLUMNS, InsertStatement.Mode.IGNORE, StatementTag.NONE);
        assertEquals(3, insert.columnCount());
        assertEquals("INSERT IGNORE INTO `shop_new`.`order``s` (`id`, `name`, `payload`) VALUES (?,?,?)", insert.sql(1));
        assertEquals("INSERT IGNORE INTO `shop_new`.`order``s` (`id`, `name`, `payload`) VALUES (?,?,?),(?,?,?),(?,?,?)", insert.sql(3));
    }

    @Test
    void upsertStatement()
    {
        InsertStatement insert = new InsertStatement(TARGET, COLUMNS, InsertStatement.Mode.UPSERT, StatementTag.NONE);
        assertEquals("INSERT INTO `shop_new`.`order``s` (`id`, `name`, `payload`) VALUES (?,?,?),(?,?,?) ON DUPLICATE KEY UPDATE "
                + "`id` = VALUES(`id`), `name` = VALUES(`name`), `payload` = VALUES(`payload`)", insert.sql(2));
    }

    @Test
    void jsonValuesAreConvertedFromTheirBinaryBytes()
    {
        Column json = new Column("doc", 2, ColumnType.JSON, "json", false, true, null, null, false, List.of());
        InsertStatement insert = new InsertStatement(TARGET, List.of(COLUMNS.get(0), json), InsertStatement.Mode.UPSERT, StatementTag.NONE);
        assertEquals("INSERT INTO `shop_new`.`order``s` (`id`, `doc`) VALUES (?,CONVERT(? USING utf8mb4)),(?,CONVERT(? USING utf8mb4)) "
                + "ON DUPLICATE KEY UPDATE `id` = VALUES(`id`), `doc` = VALUES(`doc`)", insert.sql(2));
    }

    @Test
    void plainStatement()
    {
        InsertStatement insert = new InsertStatement(TARGET, COLUMNS.subList(0, 1), InsertStatement.Mode.PLAIN, StatementTag.NONE);
        assertEquals("INSERT INTO `shop_new`.`order``s` (`id`) VALUES (?),(?)", insert.sql(2));
    }

    @Test
    void cachedTextsStayCorrectForCollidingSizes()
    {
        InsertStatement insert = new InsertStatement(TARGET, COLUMNS.subList(0, 1), InsertStatement.Mode.PLAIN, StatementTag.NONE);
        String one = insert.sql(1);
        assertSame(one, insert.sql(1), "cached");
        // 9 shares a cache slot with 1
        assertEquals(9, countPlaceholders(insert.sql(9)));
        assertEquals(1, countPlaceholders(insert.sql(1)));
        assertEquals(1000, countPlaceholders(insert.sql(1000)));
        assertEquals(17, countPlaceholders(insert.sql(17)));
        assertEquals(9, countPlaceholders(insert.sql(9)));
    }

    @Test
    void prepareBindsRowsFromToInColumnOrderAsBytes()
            throws SQLException
    {
        List<Row> rows = ROWS;
        // the statement writes (payload, id) taken from a row laid out as (id, name, payload)
        InsertStatement insert = new InsertStatement(TARGET, List.of(column("payload", 0), column("id", 1)), InsertStatement.Mode.IGNORE, StatementTag.NONE);
        Recording recording = new Recording();
        try (PreparedStatement statement = insert.prepare(recording.connection(), rows, 1, 3, new int[] {2, 0})) {
            assertEquals(insert.sql(2), recording.sql);
            assertEquals(4, recording.bound.size());
            assertArrayEquals(bytes("x"), recording.bound.get(0));
            assertArrayEquals(bytes("2"), recording.bound.get(1));
            assertArrayEquals(bytes("y"), recording.bound.get(2));
            assertArrayEquals(bytes("3"), recording.bound.get(3));
            assertTrue(statement != null);
        }
        assertTrue(recording.closed);
        Recording nulls = new Recording();
        insert.prepare(nulls.connection(), rows, 0, 1, new int[] {2, 0}).close();
        assertNull(nulls.bound.get(0), "NULL is bound as a null byte array");
    }

    @Test
    void renderWritesRowsFromToAsHexLiteralsInTheTextOfThePlaceholders()
    {
        List<Row> rows = ROWS;
        InsertStatement insert = new InsertStatement(TARGET, List.of(column("payload", 0), column("id", 1)), InsertStatement.Mode.UPSERT, StatementTag.NONE);
        assertEquals("INSERT INTO `shop_new`.`order``s` (`payload`, `id`) VALUES (x'78',x'32'),(x'79',x'33') "
                + "ON DUPLICATE KEY UPDATE `payload` = VALUES(`payload`), `id` = VALUES(`id`)", insert.render(rows, 1, 3, new int[] {2, 0}));
        assertEquals(insert.sql(2).replaceFirst("\\?", "x'78'").replaceFirst("\\?", "x'32'").replaceFirst("\\?", "x'79'").replaceFirst("\\?", "x'33'"),
                insert.render(rows, 1, 3, new int[] {2, 0}), "the placeholders' text with the values in");
        assertEquals("INSERT INTO `shop_new`.`order``s` (`payload`, `id`) VALUES (NULL,x'31') "
                + "ON DUPLICATE KEY UPDATE `payload` = VALUES(`payload`), `id` = VALUES(`id`)", insert.render(rows, 0, 1, new int[] {2, 0}));
        Column json = new Column("doc", 2, ColumnType.JSON, "json", false, true, null, null, false, List.of());
        InsertStatement jsonInsert = new InsertStatement(TARGET, List.of(COLUMNS.get(0), json), InsertStatement.Mode.PLAIN, StatementTag.forRun(7));
        assertEquals(StatementTag.forRun(7).prefix() + "INSERT INTO `shop_new`.`order``s` (`id`, `doc`) VALUES (x'31',CONVERT(NULL USING utf8mb4)),"
                + "(x'32',CONVERT(x'78' USING utf8mb4))", jsonInsert.render(rows, 0, 2, new int[] {0, 2}));
    }

    @Test
    void prepareClosesTheStatementWhenBindingFails()
    {
        InsertStatement insert = new InsertStatement(TARGET, COLUMNS, InsertStatement.Mode.IGNORE, StatementTag.NONE);
        Recording recording = new Recording();
        recording.failOnBind = true;
        assertThrows(SQLException.class, () -> insert.prepare(recording.connection(), List.of(row("1", "a", "b")), 0, 1, new int[] {0, 1, 2}));
        assertTrue(recording.closed);
    }

    @Test
    void estimatedSizeCountsValueBytesAndOverhead()
    {
        Row row = row("12", null, "abcdef");
        assertEquals(3 * 4 + 2 + 6, InsertStatement.estimatedSize(row, new int[] {0, 1, 2}));
        assertEquals(4 + 6, InsertStatement.estimatedSize(row, new int[] {2}));
    }

    private static int countPlaceholders(String sql)
    {
        return (int) sql.chars().filter(c -> c == '?').count();
    }

    private static Row row(String... values)
    {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] == null ? null : bytes(values[i]);
        }
        return Row.wrap(bytes);
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Column column(String name, int ordinal)
    {
        return new Column(name, ordinal, ColumnType.VARBINARY, "varbinary(10)", false, true, null, null, false, List.of());
    }

    /**
     * A connection whose prepared statements record what is bound.
     */
    private static final class Recording
    {
        String sql;
        final List<byte[]> bound = new ArrayList<>();
        boolean closed;
        boolean failOnBind;

        Connection connection()
        {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                if (method.getName().equals("prepareStatement") && args.length == 1) {
                    sql = (String) args[0];
                    return statement();
                }
                throw new UnsupportedOperationException(method.getName());
            });
        }

        private PreparedStatement statement()
        {
            return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "setBytes":
                        if (failOnBind) {
                            throw new SQLException("bind failed");
                        }
                        assertEquals(bound.size() + 1, (int) (Integer) args[0], "parameters bound in order");
                        bound.add((byte[]) args[1]);
                        return null;
                    case "close":
                        closed = true;
                        return null;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
        }
    }
}
