package dev.ferry.runtime.copy;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.config.DatabaseConfig;
import dev.ferry.runtime.schema.SchemaException;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.sql.DataSources;
import dev.ferry.runtime.sql.SelectList;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per kind of pagination key. Each copies more rows than {@code copy.rangeSize} (1000)
 * with a batch size of 7, so that several ranges and hundreds of batches run, and compares the
 * whole database afterwards.
 */
@RealServers
class CopyKeysIT
{
    private static final String SMALL_BATCHES = "copy:\n  batchSize: 7\n  rangeSize: 1000\n  concurrency: 3\n";
    private static final String DESCENDING = SMALL_BATCHES + "  descending: true\n";

    @Test
    void signedBigintWithNegativeKeysAndZero(TestDatabase db)
            throws Exception
    {
        createSignedTables(db);
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES);
        assertCopied(db, outcome, 3001 + 1205);
        assertSplit(outcome, "dense", "extremes");
    }

    @Test
    void signedBigintDescending(TestDatabase db)
            throws Exception
    {
        createSignedTables(db);
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, DESCENDING);
        assertCopied(db, outcome, 3001 + 1205);
        assertSplit(outcome, "dense", "extremes");
    }

    private static void createSignedTables(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE dense (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "INSERT INTO dense SELECT CAST(seq AS SIGNED) - 1501, CONCAT('v', seq) FROM seq_1_to_3001",
                // both ends of the range; the single split point lands on -1
                "CREATE TABLE extremes (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO extremes SELECT -9223372036854775808 + CAST(seq AS SIGNED) - 1, seq FROM seq_1_to_600",
                "INSERT INTO extremes SELECT 9223372036854775807 - CAST(seq AS SIGNED) + 1, seq FROM seq_1_to_600",
                "INSERT INTO extremes VALUES (-2, 0), (-1, 0), (0, 0), (1, 0), (2, 0)",
                "ANALYZE TABLE dense, extremes");
    }

    @Test
    void unsignedBigintNearTheTop(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                // every key above 2^63, where a signed reading turns them negative; ranges split up there
                "CREATE TABLE top (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO top SELECT 18446744073709551615 - seq + 1, seq FROM seq_1_to_3000",
                // around 2^63, with 0 and 2^64-1: the split point is 2^63-1
                "CREATE TABLE middle (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO middle SELECT 9223372036854775807 + seq - 600, seq FROM seq_1_to_1200",
                "INSERT INTO middle VALUES (0, 0), (1, 0), (18446744073709551614, 0), (18446744073709551615, 0)",
                "ANALYZE TABLE top, middle");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES);
        assertCopied(db, outcome, 3000 + 1204);
        assertSplit(outcome, "top", "middle");
        assertEquals(List.of(List.of("18446744073709548616", "18446744073709551615")),
                db.target().query("SELECT CAST(MIN(id) AS CHAR), CAST(MAX(id) AS CHAR) FROM " + db.name() + ".top"));
    }

    @Test
    void caseInsensitiveVarcharWithTrailingSpacesAndAccents(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE words (k VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, n INT NOT NULL)",
                // under the collation: x = X, é = e = E; binary order would differ
                "INSERT INTO words SELECT CONCAT(ELT(1 + seq % 6, 'x', 'X', 'é', 'E', 'e', 'ß'), seq, ELT(1 + seq % 3, '', ' ', '   ')), seq FROM seq_1_to_3000",
                "INSERT INTO words VALUES ('', 0), (' a', 0), ('Zebra', 0), ('zz😀', 0), ('ÿ', 0)",
                "CREATE TABLE latin (k VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL PRIMARY KEY, n INT NOT NULL)",
                // latin1 bytes 0x80-0xFF, including the five that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                "INSERT INTO latin SELECT CONCAT(CHAR(128 + seq % 128), seq), seq FROM seq_1_to_2000",
                "ANALYZE TABLE words, latin");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES);
        assertCopied(db, outcome, 3005 + 2000);
        assertSplit(outcome, "words", "latin");
        assertEquals(db.source().query("SELECT HEX(k) FROM " + db.name() + ".words ORDER BY k"),
                db.target().query("SELECT HEX(k) FROM " + db.name() + ".words ORDER BY k"), "keys with their trailing spaces");
    }

    @Test
    void varbinaryAndBinaryKeysWithZeroAndFfBytes(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE blobs (k VARBINARY(16) NOT NULL PRIMARY KEY, n INT NOT NULL)",
                "INSERT INTO blobs SELECT UNHEX(CONCAT(ELT(1 + seq % 3, '00', 'FF', '7F80'), LPAD(HEX(seq), 4, '0'), IF(seq % 5 = 0, '00', ''))), seq FROM seq_1_to_3000",
                "INSERT INTO blobs VALUES ('', 0), (x'00', 0), (x'0000', 0), (x'FF', 0), (x'FFFF', 0), (x'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF', 0)",
                // BINARY pads with 0x00: a text reading of these keys would change them
                "CREATE TABLE fixed (k BINARY(8) NOT NULL PRIMARY KEY, n INT NOT NULL)",
                "INSERT INTO fixed SELECT UNHEX(LPAD(HEX(seq * 37), 6, '0')), seq FROM seq_1_to_1500",
                "INSERT INTO fixed VALUES (x'', 0), (x'FFFFFFFFFFFFFFFF', 0)",
                "ANALYZE TABLE blobs, fixed");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES);
        assertCopied(db, outcome, 3006 + 1502);
        assertSplit(outcome, "blobs", "fixed");
    }

    @Test
    void compositeIntAndVarcharKey(TestDatabase db)
            throws Exception
    {
        createComposite(db);
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES);
        assertCopied(db, outcome, 3000);
        assertSplit(outcome, "pairs");
    }

    @Test
    void compositeKeyDescending(TestDatabase db)
            throws Exception
    {
        createComposite(db);
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, DESCENDING);
        assertCopied(db, outcome, 3000);
        assertSplit(outcome, "pairs");
    }

    private static void createComposite(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, v INT NOT NULL, PRIMARY KEY (a, b))",
                // few distinct a values, so that batches and ranges end inside one a
                "INSERT INTO pairs SELECT CAST(seq % 7 AS SIGNED) - 3, CONCAT(IF(seq % 2, 'x', 'X'), seq, IF(seq % 4 = 0, ' ', '')), seq FROM seq_1_to_3000",
                "ANALYZE TABLE pairs");
    }

    @Test
    void datetime6Key(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE moments (k DATETIME(6) NOT NULL PRIMARY KEY, n INT NOT NULL)",
                "INSERT INTO moments SELECT TIMESTAMP('2024-02-29 23:59:59') + INTERVAL seq * 1000 + seq % 7 MICROSECOND, seq FROM seq_1_to_3000",
                "INSERT INTO moments VALUES ('0000-00-00 00:00:00', 0), ('1000-01-01 00:00:00', 0), ('9999-12-31 23:59:59.999999', 0)",
                "ANALYZE TABLE moments");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES);
        assertCopied(db, outcome, 3003);
        assertSplit(outcome, "moments");
    }

    @Test
    void decimalKey(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE amounts (k DECIMAL(30,6) NOT NULL PRIMARY KEY, n INT NOT NULL)",
                "INSERT INTO amounts SELECT (CAST(seq AS SIGNED) - 1500) / 7, seq FROM seq_1_to_3000",
                "INSERT INTO amounts VALUES (999999999999999999999999.999999, 0), (-999999999999999999999999.999999, 0), (0.000001, 0), (-0.000001, 0)",
                "ANALYZE TABLE amounts");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES);
        assertCopied(db, outcome, 3004);
        assertSplit(outcome, "amounts");
    }

    @Test
    void nonUniquePaginationColumnWithPrimaryKeyTieBreaker(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE events (id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, payload VARCHAR(20) NOT NULL, KEY created (created_at))",
                // groups of 19 equal timestamps, in an order unrelated to id: every batch of 7 ends inside a group
                "INSERT INTO events SELECT seq, TIMESTAMP('2024-01-01') + INTERVAL ((seq * 7919) % 3000) DIV 19 MINUTE, CONCAT('e', seq) FROM seq_1_to_3000",
                "ANALYZE TABLE events");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES
                + "  paginationColumns:\n    \"" + db.name() + ".events\": created_at\n");
        assertCopied(db, outcome, 3000);
        assertSplit(outcome, "events");
    }

    @Test
    void fallbackColumnForTableWithoutPrimaryKey(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE legacy (uid BIGINT NOT NULL, note VARCHAR(20) NULL, UNIQUE KEY uid_unique (uid))",
                "INSERT INTO legacy SELECT CAST(seq AS SIGNED) * 3 - 4000, IF(seq % 10 = 0, NULL, CONCAT('n', seq)) FROM seq_1_to_3000",
                "CREATE TABLE keyed (id INT NOT NULL PRIMARY KEY, uid INT NULL)",
                "INSERT INTO keyed SELECT seq, NULL FROM seq_1_to_10",
                "ANALYZE TABLE legacy");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, SMALL_BATCHES + "  fallbackColumn: uid\n");
        assertCopied(db, outcome, 3010);
        assertSplit(outcome, "legacy");
    }

    @Test
    void fullCopyTablesIncludingOneWithoutAnyKeyAndDuplicateRows(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE bag (v INT NULL, s VARCHAR(10) NULL)",
                "INSERT INTO bag SELECT seq % 50, IF(seq % 7 = 0, NULL, CONCAT('s', seq % 50)) FROM seq_1_to_150",
                "INSERT INTO bag VALUES (NULL, NULL), (NULL, NULL), (1, 's1'), (1, 's1')",
                "CREATE TABLE settings (name VARCHAR(20) NOT NULL PRIMARY KEY, value BLOB NULL)",
                "INSERT INTO settings SELECT CONCAT('k', seq), UNHEX(SHA2(seq, 256)) FROM seq_1_to_40",
                "CREATE TABLE normal (id INT NOT NULL PRIMARY KEY)",
                "INSERT INTO normal SELECT seq FROM seq_1_to_20");
        CopyTesting.Outcome outcome = CopyTesting.runWithPlans(db, "copy:\n  batchSize: 7\n  fullCopyTables: [\"" + db.name() + ".bag\", \""
                + db.name() + ".settings\"]\n");
        assertCopied(db, outcome, 154 + 40 + 20);
        String multiset = "SELECT v, s, COUNT(*) FROM " + db.name() + ".bag GROUP BY v, s ORDER BY v, s";
        assertEquals(db.source().query(multiset), db.target().query(multiset));
        assertEquals(List.of(List.of("2")), db.target().query("SELECT COUNT(*) FROM " + db.name() + ".bag WHERE v IS NULL AND s IS NULL"));
    }

    @Test
    void keylessTableNotListedIsAnErrorNamingTheOptions(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE fine (id INT NOT NULL PRIMARY KEY)",
                "CREATE TABLE heap (v INT NULL, s TEXT NULL)",
                "INSERT INTO heap VALUES (1, 'a'), (1, 'a')");
        SchemaException e = assertThrows(SchemaException.class, () -> CopyTesting.run(db, SMALL_BATCHES));
        assertEquals("table " + db.name() + ".heap has no primary key: set copy.paginationColumns for it, or list it in copy.fullCopyTables "
                + "(copied whole under a lock; only for small tables)", e.getMessage());
        assertEquals(List.of(), db.target().query("SELECT schema_name FROM information_schema.schemata WHERE schema_name = '" + db.name() + "'"),
                "nothing is created on the target");
    }

    /**
     * The SELECT a range copier issues after a cursor, for a composite key: MariaDB's optimizer
     * must turn its expanded row comparison into a range scan on the primary key.
     */
    @Test
    void compositeKeyPredicateUsesAnIndexRangeScan(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(20) NOT NULL, payload CHAR(200) NOT NULL DEFAULT '', PRIMARY KEY (a, b))",
                "INSERT INTO pairs (a, b) SELECT seq DIV 100, CONCAT('b', LPAD(seq % 100, 3, '0')) FROM seq_1_to_20000",
                "ANALYZE TABLE pairs");
        try (HikariDataSource source = ferryDataSource(db.source())) {
            TableSchema table = new SchemaLoader(source).load(new TableName(db.name(), "pairs")).orElseThrow();
            List<Column> key = table.paginationKey().columns();
            assertEquals(List.of("a", "b"), key.stream().map(Column::name).toList());
            Key low = Key.of(new KeyValue.SignedInt(40), new KeyValue.Text("b050"));
            Key high = Key.of(new KeyValue.SignedInt(120), new KeyValue.Text("b010"));
            Key cursor = Key.of(new KeyValue.SignedInt(77), new KeyValue.Text("b033"));
            for (boolean descending : new boolean[] {false, true}) {
                KeySql keySql = KeySql.of(key);
                KeySql.Condition lowBound = keySql.compare(KeySql.Operator.GREATER);
                KeySql.Condition highBound = keySql.compare(KeySql.Operator.LESS_OR_EQUAL);
                KeySql.Condition after = keySql.compare(descending ? KeySql.Operator.LESS : KeySql.Operator.GREATER);
                String select = "SELECT " + SelectList.of(table.writableColumns()) + " FROM " + table.name().quoted()
                        + " WHERE " + lowBound.sql() + " AND " + highBound.sql() + " AND " + after.sql()
                        + " ORDER BY " + keySql.orderBy(descending) + " LIMIT 7";
                try (Connection connection = source.getConnection();
                        PreparedStatement explain = connection.prepareStatement("EXPLAIN " + select)) {
                    int index = lowBound.bind(explain, 1, low);
                    index = highBound.bind(explain, index, high);
                    after.bind(explain, index, cursor);
                    Map<String, String> plan = firstRow(explain);
                    assertEquals("range", plan.get("type"), "descending " + descending + ": " + plan + " for " + select);
                    assertEquals("PRIMARY", plan.get("key"), plan.toString());
                    assertTrue(Long.parseLong(plan.get("rows")) < 20000, plan.toString());
                }
            }
        }
    }

    private static Map<String, String> firstRow(PreparedStatement statement)
            throws Exception
    {
        try (ResultSet rows = statement.executeQuery()) {
            assertTrue(rows.next());
            ResultSetMetaData meta = rows.getMetaData();
            Map<String, String> row = new HashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                byte[] value = rows.getBytes(i);
                row.put(meta.getColumnLabel(i), value == null ? null : new String(value, StandardCharsets.UTF_8));
            }
            return row;
        }
    }

    /**
     * A pool with ferry's own session settings, as the ferry user.
     */
    private static HikariDataSource ferryDataSource(MySqlServer server)
    {
        DatabaseConfig config = new DatabaseConfig(server.host(), server.port(), server.user(), Optional.of(server.password()), Map.of(), "disabled",
                Duration.ofSeconds(10));
        return DataSources.create(config, "explain", 2, true, true);
    }

    private static void assertCopied(TestDatabase db, CopyTesting.Outcome outcome, long rows)
    {
        assertEquals(FerryPhase.DONE, outcome.result().phase(), outcome.result().message());
        assertEquals(rows, outcome.result().rowsCopied());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
    }

    private static void assertSplit(CopyTesting.Outcome outcome, String... tables)
    {
        for (String table : tables) {
            assertTrue(outcome.ranges().getOrDefault(table, 0) >= 2, "table " + table + " was copied in several ranges: " + outcome.ranges());
        }
    }
}
