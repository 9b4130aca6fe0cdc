package dev.ferry.plugins.verifiers;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult.TableMismatch;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every verifier must do, against real servers. A subclass supplies the factory and, where
 * the verifier needs it, drives the hooks the way the runtime would (the default: start, verify
 * before cutover, verify at cutover).
 */
@RealServers
abstract class VerifierContractIT
{
    static final String MAX_UNSIGNED = "18446744073709551615";

    protected abstract VerifierFactory factory();

    /**
     * Config keys every test of this verifier uses (e.g. a small batch size).
     */
    protected Map<String, Object> baseConfig()
    {
        return Map.of();
    }

    /**
     * Whether mismatches name the differing keys (false for whole-table checksums).
     */
    protected boolean reportsKeys()
    {
        return true;
    }

    protected boolean supportsIgnoredColumns()
    {
        return true;
    }

    protected boolean supportsCopyFilter()
    {
        return true;
    }

    /**
     * Runs the verifier over data already on both sides and returns the cutover result.
     */
    protected VerificationResult drive(Verifier verifier, TestingPluginContext context)
            throws Exception
    {
        verifier.start(null);
        VerificationResult before = verifier.verifyBeforeCutover();
        assertTrue(!before.failed(), "verifyBeforeCutover reports no mismatch: " + before.message());
        return verifier.verifyAtCutover();
    }

    // ---- the contract

    @Test
    void passesOnExactCopy(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE digits (d INT NOT NULL PRIMARY KEY)",
                "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
                "CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, data BLOB)",
                "INSERT INTO blobs SELECT a.d * 10 + b.d, UNHEX(REPEAT(CONCAT(HEX(a.d), 'FF00', HEX(b.d)), 50)) FROM digits a, digits b",
                "CREATE TABLE unsigned_keys (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO unsigned_keys SELECT a.d * 1000 + b.d * 100 + c.d * 10 + e.d + 1, CONCAT('v', a.d, b.d) FROM digits a, digits b, digits c, digits e",
                "INSERT INTO unsigned_keys VALUES (0, 'zero'), (" + MAX_UNSIGNED + ", 'max'), (9223372036854775808, 'half')",
                "CREATE TABLE names (name VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO names VALUES ('apple', 1), ('Banana', 2), ('Ärger', 3), ('zebra ', 4), ('', 5)",
                "CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(10) NOT NULL, v TEXT, PRIMARY KEY (a, b))",
                "INSERT INTO pairs SELECT d, CHAR(97 + (d * 7) % 10), REPEAT('x', d) FROM digits",
                "INSERT INTO pairs SELECT d, 'zz', NULL FROM digits",
                "CREATE TABLE no_key (a INT, b VARCHAR(10))",
                "INSERT INTO no_key VALUES (1, 'x'), (1, 'x'), (2, NULL), (NULL, '')",
                "CREATE TABLE doubles (id INT NOT NULL PRIMARY KEY, d DOUBLE, f FLOAT, n DECIMAL(10, 3))",
                "INSERT INTO doubles VALUES (1, 0, 0, 0), (2, 1.5e300, -3.25, -12.5), (3, NULL, NULL, NULL)");
        VerificationResult result = verify(db, Map.of());
        assertEquals(VerificationResult.Status.MATCH, result.status(), result.message());
    }

    @Test
    void catchesOneChangedByteInBlob(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, data BLOB)",
                "INSERT INTO blobs VALUES (1, UNHEX(REPEAT('00FF', 500))), (2, UNHEX(REPEAT('00FF', 500))), (3, NULL)");
        db.executeOnTarget("UPDATE blobs SET data = INSERT(data, 701, 1, x'01') WHERE id = 2");
        assertMismatch(db, verify(db, Map.of()), "blobs", Key.of(new KeyValue.SignedInt(2)));
    }

    @Test
    void catchesChangedRowAtMaximumUnsignedKey(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE unsigned_keys (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO unsigned_keys VALUES (0, 'zero'), (1, 'one'), (9223372036854775808, 'half'), (" + MAX_UNSIGNED + ", 'max')");
        db.executeOnTarget("UPDATE unsigned_keys SET v = 'MAX' WHERE id = " + MAX_UNSIGNED);
        assertMismatch(db, verify(db, Map.of()), "unsigned_keys", Key.of(new KeyValue.UnsignedInt(-1L)));
    }

    @Test
    void catchesMissingRow(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        db.executeOnTarget("DELETE FROM items WHERE id = 2");
        assertMismatch(db, verify(db, Map.of()), "items", Key.of(new KeyValue.SignedInt(2)));
    }

    @Test
    void catchesExtraRow(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        db.executeOnTarget("INSERT INTO items VALUES (-7, 'extra')");
        assertMismatch(db, verify(db, Map.of()), "items", Key.of(new KeyValue.SignedInt(-7)));
    }

    @Test
    void catchesChangedRowUnderVarcharKey(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE names (name VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO names VALUES ('apple', 1), ('Banana', 2), ('Ärger', 3), ('cherry', 4)");
        db.executeOnTarget("UPDATE names SET v = 20 WHERE name = 'banana'");
        assertMismatch(db, verify(db, Map.of()), "names", Key.of(new KeyValue.Text("Banana")));
    }

    @Test
    void catchesKeyChangedOnlyInCase(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE names (name VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO names VALUES ('apple', 1), ('Banana', 2), ('cherry', 4)");
        db.executeOnTarget("UPDATE names SET name = 'BANANA' WHERE name = 'banana'");
        VerificationResult result = verify(db, Map.of());
        assertEquals(VerificationResult.Status.MISMATCH, result.status(), result.message());
        TableMismatch mismatch = result.mismatches().get(0);
        assertEquals(new TableName(db.name(), "names"), mismatch.table());
        if (reportsKeys()) {
            assertTrue(mismatch.keys().contains(Key.of(new KeyValue.Text("Banana"))), mismatch.toString());
        }
    }

    @Test
    void catchesChangedRowUnderCompositeKey(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(10) NOT NULL, v VARCHAR(10), PRIMARY KEY (a, b))",
                "INSERT INTO pairs VALUES (1, 'a', 'x'), (1, 'b', 'x'), (2, 'a', 'x'), (2, 'b', 'x'), (3, 'a', 'x')");
        db.executeOnTarget("UPDATE pairs SET v = 'y' WHERE a = 2 AND b = 'b'");
        assertMismatch(db, verify(db, Map.of()), "pairs", Key.of(new KeyValue.SignedInt(2), new KeyValue.Text("b")));
    }

    @Test
    void catchesNullVersusEmptyString(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE strs (id INT NOT NULL PRIMARY KEY, s VARCHAR(10))",
                "INSERT INTO strs VALUES (1, ''), (2, NULL), (3, 'x')");
        db.executeOnTarget("UPDATE strs SET s = NULL WHERE id = 1");
        assertMismatch(db, verify(db, Map.of()), "strs", Key.of(new KeyValue.SignedInt(1)));
    }

    @Test
    void catchesNegativeZeroDouble(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE doubles (id INT NOT NULL PRIMARY KEY, d DOUBLE)",
                "INSERT INTO doubles VALUES (1, 1.5), (2, -0e0), (3, 2.5)");
        List<List<String>> stored = db.source().query("SELECT CAST(d AS CHAR) FROM `" + db.name() + "`.doubles WHERE id = 2");
        assumeTrue("-0".equals(stored.get(0).get(0)), "this server stores -0.0 as 0 (MariaDB does), so no such difference can exist");
        db.executeOnTarget("UPDATE doubles SET d = 0e0 WHERE id = 2");
        assertMismatch(db, verify(db, Map.of()), "doubles", Key.of(new KeyValue.SignedInt(2)));
    }

    @Test
    void catchesDifferenceInTableWithoutKey(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE no_key (a INT, b VARCHAR(10))",
                "INSERT INTO no_key VALUES (1, 'x'), (1, 'x'), (2, NULL)");
        db.executeOnTarget("DELETE FROM no_key WHERE a = 1 LIMIT 1");
        VerificationResult result = verify(db, Map.of());
        assertEquals(VerificationResult.Status.MISMATCH, result.status(), result.message());
        assertEquals(new TableName(db.name(), "no_key"), result.mismatches().get(0).table());
    }

    @Test
    void passesWhenDifferingColumnIsIgnored(TestDatabase db)
            throws Exception
    {
        assumeTrue(supportsIgnoredColumns(), "this verifier compares whole tables");
        onBothSides(db,
                "CREATE TABLE events (id INT NOT NULL PRIMARY KEY, payload VARCHAR(20), updated_at DATETIME)",
                "INSERT INTO events VALUES (1, 'a', '2024-01-01 00:00:00'), (2, 'b', '2024-01-02 00:00:00')");
        db.executeOnTarget("UPDATE events SET updated_at = '2025-06-01 12:00:00' WHERE id = 2");
        assertMismatch(db, verify(db, Map.of()), "events", Key.of(new KeyValue.SignedInt(2)));

        VerificationResult ignoring = verify(db, Map.of("ignoredColumns", Map.of(db.name() + ".events", List.of("updated_at"))));
        assertEquals(VerificationResult.Status.MATCH, ignoring.status(), ignoring.message());
    }

    @Test
    void comparesOnlyRowsTheCopyFilterMoves(TestDatabase db)
            throws Exception
    {
        assumeTrue(supportsCopyFilter(), "this verifier cannot honour a copy filter");
        onBothSides(db,
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, tenant INT NOT NULL, total INT)");
        db.executeOnSource("INSERT INTO orders VALUES (1, 1, 10), (2, 2, 20), (3, 1, 30), (4, 2, 40)");
        // the target shard holds tenant 1 plus rows of another tenant that never came from this source
        db.executeOnTarget("INSERT INTO orders VALUES (1, 1, 10), (3, 1, 30), (5, 3, 50)");
        CopyFilter tenantOne = new CopyFilter()
        {
            @Override
            public Optional<SqlPredicate> copyPredicate(TableSchema table)
            {
                return Optional.of(new SqlPredicate("`tenant` = ?", List.of(1L)));
            }

            @Override
            public boolean matches(TableSchema table, Row row)
            {
                return "1".equals(new String(row.get(1), java.nio.charset.StandardCharsets.US_ASCII));
            }
        };
        VerificationResult result = verify(db, Map.of(), Optional.of(tenantOne));
        assertEquals(VerificationResult.Status.MATCH, result.status(), result.message());

        db.executeOnTarget("UPDATE orders SET total = 31 WHERE id = 3");
        assertMismatch(db, verify(db, Map.of(), Optional.of(tenantOne)), "orders", Key.of(new KeyValue.SignedInt(3)));
    }

    // ---- helpers

    static void onBothSides(TestDatabase db, String... sql)
    {
        if (db.target().query("SELECT schema_name FROM information_schema.schemata WHERE schema_name = '" + db.name() + "'").isEmpty()) {
            db.target().execute("CREATE DATABASE `" + db.name() + "`");
        }
        db.executeOnSource(sql);
        db.executeOnTarget(sql);
    }

    VerificationResult verify(TestDatabase db, Map<String, Object> config)
            throws Exception
    {
        return verify(db, config, Optional.empty());
    }

    VerificationResult verify(TestDatabase db, Map<String, Object> config, Optional<CopyFilter> copyFilter)
            throws Exception
    {
        TestingPluginContext context = VerifierContexts.connect(db, copyFilter);
        try (Verifier verifier = create(config, context)) {
            return drive(verifier, context);
        }
    }

    Verifier create(Map<String, Object> config, TestingPluginContext context)
    {
        Map<String, Object> merged = new LinkedHashMap<>(baseConfig());
        merged.putAll(config);
        TestingPluginConfig pluginConfig = TestingPluginConfig.of("verifier", merged);
        Verifier verifier = factory().create(pluginConfig, context);
        assertEquals(List.of(), pluginConfig.problems());
        assertEquals(List.of(), pluginConfig.unreadKeys());
        return verifier;
    }

    void assertMismatch(TestDatabase db, VerificationResult result, String table, Key key)
    {
        assertEquals(VerificationResult.Status.MISMATCH, result.status(), result.message());
        assertEquals(1, result.mismatches().size(), result.message());
        TableMismatch mismatch = result.mismatches().get(0);
        assertEquals(new TableName(db.name(), table), mismatch.table());
        if (reportsKeys()) {
            assertEquals(List.of(key), mismatch.keys(), mismatch.reason());
            assertEquals("1 row differs", mismatch.reason());
        }
        else {
            assertEquals(List.of(), mismatch.keys());
            assertTrue(mismatch.reason().contains("checksum"), mismatch.reason());
        }
    }

    /**
     * Every row of every table, in writable-column layout and key order, read as the copy would.
     */
    static List<Row> sourceRows(TestingPluginContext context, TableSchema schema)
            throws SQLException
    {
        StringBuilder columns = new StringBuilder();
        for (var column : schema.writableColumns()) {
            columns.append(columns.length() == 0 ? "" : ", ").append(column.quotedName());
        }
        StringBuilder order = new StringBuilder();
        for (var column : schema.paginationKey().columns()) {
            order.append(order.length() == 0 ? " ORDER BY " : ", ").append(column.quotedName());
        }
        Optional<SqlPredicate> predicate = context.copyFilter().flatMap(filter -> filter.copyPredicate(schema));
        String where = predicate.map(p -> " WHERE " + p.sql()).orElse("");
        List<Row> rows = new ArrayList<>();
        try (Connection connection = context.source().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT " + columns + " FROM " + schema.name().quoted() + where + order)) {
            if (predicate.isPresent()) {
                for (int i = 0; i < predicate.get().parameters().size(); i++) {
                    statement.setObject(i + 1, predicate.get().parameters().get(i));
                }
            }
            ResultSet result = statement.executeQuery();
            int count = schema.writableColumns().size();
            while (result.next()) {
                byte[][] values = new byte[count][];
                for (int i = 0; i < count; i++) {
                    values[i] = result.getBytes(i + 1);
                }
                rows.add(Row.wrap(values));
            }
        }
        return rows;
    }
}
