package dev.ferry.benchmarks;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The benchmark table: about 200 bytes a row over ten columns of the common kinds, like the
 * table of the end-to-end copy benchmark.
 */
final class BenchmarkTables
{
    static final TableName NAME = new TableName("ferry_jmh", "batch");

    private BenchmarkTables() {}

    static TableSchema schema()
    {
        List<Column> columns = List.of(
                new Column("id", 0, ColumnType.BIGINT, "bigint(20) unsigned", true, false, null, null, false, List.of()),
                new Column("account", 1, ColumnType.INT, "int(11)", false, false, null, null, false, List.of()),
                new Column("email", 2, ColumnType.VARCHAR, "varchar(64)", false, false, "utf8mb4", "utf8mb4_general_ci", false, List.of()),
                new Column("name", 3, ColumnType.VARCHAR, "varchar(64)", false, false, "utf8mb4", "utf8mb4_general_ci", false, List.of()),
                new Column("amount", 4, ColumnType.DECIMAL, "decimal(12,2)", false, false, null, null, false, List.of()),
                new Column("ratio", 5, ColumnType.DOUBLE, "double", false, false, null, null, false, List.of()),
                new Column("created", 6, ColumnType.DATETIME, "datetime(6)", false, false, null, null, false, List.of()),
                new Column("flags", 7, ColumnType.TINYINT, "tinyint(4)", false, false, null, null, false, List.of()),
                new Column("hash", 8, ColumnType.BINARY, "binary(16)", false, false, null, null, false, List.of()),
                new Column("note", 9, ColumnType.VARCHAR, "varchar(100)", false, true, "utf8mb4", "utf8mb4_general_ci", false, List.of()));
        return new TableSchema(NAME, columns, List.of(new IndexInfo("PRIMARY", List.of("id"), true)), List.of(),
                new PaginationKey(List.of(columns.get(0)), "primary key"), "benchmark");
    }

    /**
     * Rows in wire form, as the copy reads them.
     */
    static List<Row> rows(int count, long seed)
    {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] hash = new byte[16];
            random.nextBytes(hash);
            rows.add(Row.wrap(new byte[][] {
                    ascii(Long.toString(1_000_000L + i)),
                    ascii(Integer.toString(random.nextInt(100_000))),
                    ascii("user" + random.nextInt(1_000_000) + "@example.com"),
                    "Émile Zola-\uD83D\uDE00-".concat(Integer.toString(i)).getBytes(StandardCharsets.UTF_8),
                    ascii(random.nextInt(1_000_000) + "." + (10 + random.nextInt(90))),
                    ascii(Double.toString(random.nextDouble())),
                    ascii("2024-05-17 12:34:56.123456"),
                    ascii(Integer.toString(random.nextInt(127))),
                    hash,
                    random.nextBoolean() ? null : ascii("a note of some length to make the row about two hundred bytes " + i)}));
        }
        return rows;
    }

    /**
     * A connection to the sandbox target (for binding parameters with the real driver; nothing is
     * executed). Reads {@code FERRY_TARGET_*} as printed by {@code scripts/mysql-sandbox env}.
     */
    static Connection connect()
            throws SQLException
    {
        String host = require("FERRY_TARGET_HOST");
        String url = "jdbc:mysql://" + host + ":" + require("FERRY_TARGET_PORT") + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true"
                + "&useServerPrepStmts=false&cachePrepStmts=true&prepStmtCacheSize=256&prepStmtCacheSqlLimit=65536";
        Connection connection = DriverManager.getConnection(url, require("FERRY_TARGET_USER"), require("FERRY_TARGET_PASSWORD"));
        // server-side statements are prepared against a real table; nothing is ever written to it
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS ferry_jmh");
            statement.execute("CREATE TABLE IF NOT EXISTS ferry_jmh.batch (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, account INT NOT NULL, "
                    + "email VARCHAR(64) NOT NULL, name VARCHAR(64) NOT NULL, amount DECIMAL(12,2) NOT NULL, ratio DOUBLE NOT NULL, "
                    + "created DATETIME(6) NOT NULL, flags TINYINT NOT NULL, hash BINARY(16) NOT NULL, note VARCHAR(100) NULL)");
        }
        return connection;
    }

    private static String require(String name)
    {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: run eval \"$(scripts/mysql-sandbox env)\" first (benchmarks/run-jmh does)");
        }
        return value;
    }

    private static byte[] ascii(String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
