package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IterativeVerifierIT
        extends VerifierContractIT
{
    @Override
    protected VerifierFactory factory()
    {
        return new IterativeVerifierFactory();
    }

    @Override
    protected Map<String, Object> baseConfig()
    {
        return Map.of("batchSize", 40, "concurrency", 3);
    }

    @Test
    void reportsRowChangedAfterThePassOnlyIfItStillDiffersAtCutover(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
        TestingPluginContext context = VerifierContexts.connect(db, Optional.empty());
        try (Verifier verifier = create(Map.of(), context)) {
            verifier.start(null);
            // row 2 differs during the pass (its change has not been applied yet)
            db.executeOnSource("UPDATE items SET v = 'b2' WHERE id = 2");
            VerificationResult before = verifier.verifyBeforeCutover();
            assertEquals(VerificationResult.Status.MATCH, before.status(), before.message());
            assertTrue(before.message().contains("1 key to re-verify at cutover"), before.message());
            assertTrue(before.message().contains("rows/s"), before.message());
            // the applier catches up on row 2; row 3 changes on the source and its event is
            // "applied" without reaching the target, which only the recorded key can reveal
            db.executeOnTarget("UPDATE items SET v = 'b2' WHERE id = 2");
            db.executeOnSource("UPDATE items SET v = 'c2' WHERE id = 3");
            verifier.afterEventsApplied(List.of(update(context, "items", 3)));
            VerificationResult result = verifier.verifyAtCutover();
            assertMismatch(db, result, "items", Key.of(new KeyValue.SignedInt(3)));
        }
    }

    @Test
    void resumesWithTheKeysToReverify(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE items (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'a'), (" + MAX_UNSIGNED + ", 'max')");
        TestingPluginContext context = VerifierContexts.connect(db, Optional.empty());
        String state;
        try (Verifier verifier = create(Map.of(), context)) {
            verifier.start(null);
            assertEquals(null, verifier.saveState());
            verifier.verifyBeforeCutover();
            db.executeOnSource("UPDATE items SET v = 'changed' WHERE id = " + MAX_UNSIGNED);
            verifier.afterEventsApplied(List.of(update(context, "items", -1L)));
            state = verifier.saveState();
        }
        assertNotNull(state);
        assertTrue(state.contains("\"u:" + MAX_UNSIGNED + "\""), state);
        try (Verifier resumed = create(Map.of(), context)) {
            resumed.start(state);
            assertMismatch(db, resumed.verifyAtCutover(), "items", Key.of(new KeyValue.UnsignedInt(-1L)));
        }
    }

    @Test
    void reportsEveryExtraRowWhenTargetHoldsManyMore(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE digits (d INT NOT NULL PRIMARY KEY)",
                "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO items SELECT d * 1000, d FROM digits");
        db.executeOnTarget("INSERT INTO items SELECT a.d * 1000 + b.d * 10 + c.d + 1, 0 FROM digits a, digits b, digits c");
        VerificationResult result = verify(db, Map.of("batchSize", 3));
        assertEquals(VerificationResult.Status.MISMATCH, result.status(), result.message());
        VerificationResult.TableMismatch mismatch = result.mismatches().get(0);
        assertEquals(new TableName(db.name(), "items"), mismatch.table());
        assertEquals("1000 rows differ", mismatch.reason());
        assertEquals(10, mismatch.keys().size());
        assertEquals(Key.of(new KeyValue.SignedInt(1)), mismatch.keys().get(0));
    }

    @Test
    void measuresPassThroughputOnHundredThousandRows(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE digits (d INT NOT NULL PRIMARY KEY)",
                "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
                "CREATE TABLE orders (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, customer INT NOT NULL, status VARCHAR(16), total DECIMAL(12, 2), note TEXT, created DATETIME)",
                "INSERT INTO orders SELECT a.d * 10000 + b.d * 1000 + c.d * 100 + e.d * 10 + f.d + 1, b.d * 100 + f.d, ELT(1 + c.d % 3, 'new', 'paid', 'shipped'),"
                        + " a.d * 13.5 + f.d, REPEAT('n', 20 + e.d), '2024-01-01 00:00:00' + INTERVAL (a.d * 1000 + f.d) MINUTE"
                        + " FROM digits a, digits b, digits c, digits e, digits f",
                "DROP TABLE digits");
        VerificationResult result = verify(db, Map.of("batchSize", 1000, "concurrency", 4));
        assertEquals(VerificationResult.Status.MATCH, result.status(), result.message());
        Matcher rate = Pattern.compile("iterative pass: 100000 rows in \\S+ \\((\\d+) rows/s\\)").matcher(result.message());
        assertTrue(rate.find(), result.message());
        System.err.println("[iterative-verifier] 100000-row table: " + result.message());
    }

    /**
     * An UPDATE event of the row with the given id as it now is on the source.
     */
    static RowEvent update(TestingPluginContext context, String table, long id)
            throws Exception
    {
        TableSchema schema = context.sourceTables().stream().filter(t -> t.name().table().equals(table)).findFirst().orElseThrow();
        Row image;
        try (Connection connection = context.source().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT * FROM " + schema.name().quoted() + " WHERE id = ?")) {
            if (id < 0) {
                statement.setBigDecimal(1, new java.math.BigDecimal(Long.toUnsignedString(id)));
            }
            else {
                statement.setLong(1, id);
            }
            try (ResultSet result = statement.executeQuery()) {
                assertTrue(result.next());
                byte[][] values = new byte[schema.columns().size()][];
                for (int i = 0; i < values.length; i++) {
                    values[i] = result.getBytes(i + 1);
                }
                image = Row.wrap(values);
            }
        }
        return new RowEvent(RowEvent.Type.UPDATE, schema, image, image, PositionPair.at(new BinlogPosition("bin.000001", 4, null)));
    }
}
