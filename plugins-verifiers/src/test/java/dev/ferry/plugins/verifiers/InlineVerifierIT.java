package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowBatch;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InlineVerifierIT
        extends VerifierContractIT
{
    private static final int COPY_BATCH = 7;

    @Override
    protected VerifierFactory factory()
    {
        return new InlineVerifierFactory();
    }

    @Override
    protected Map<String, Object> baseConfig()
    {
        return Map.of("batchSize", 3, "interval", "100ms");
    }

    @Override
    protected VerificationResult drive(Verifier verifier, TestingPluginContext context)
            throws Exception
    {
        verifier.start(null);
        copy(verifier, context);
        VerificationResult before = verifier.verifyBeforeCutover();
        assertFalse(before.failed(), before.message());
        return verifier.verifyAtCutover();
    }

    /**
     * Hands every table's source rows to the verifier in batches, each inside a target transaction,
     * as the copy does right after writing them.
     */
    static void copy(Verifier verifier, TestingPluginContext context)
            throws Exception
    {
        for (TableSchema schema : context.sourceTables()) {
            List<Row> rows = sourceRows(context, schema);
            for (int from = 0; from < rows.size(); from += COPY_BATCH) {
                List<Row> batch = rows.subList(from, Math.min(rows.size(), from + COPY_BATCH));
                try (Connection target = context.target().getConnection()) {
                    target.setAutoCommit(false);
                    verifier.afterBatchCopied(new RowBatch(schema, schema.writableColumns(), batch, null), target);
                    target.commit();
                }
            }
        }
    }

    @Test
    void catchesExtraRowInsideACopiedBatchWithoutTheKeyScan(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'a'), (3, 'c'), (5, 'e')");
        db.executeOnTarget("INSERT INTO items VALUES (4, 'extra')");
        assertMismatch(db, verify(db, Map.of("checkExtraRows", false)), "items", Key.of(new KeyValue.SignedInt(4)));
    }

    @Test
    void scansKeyRangesForExtraRowsInParallelAndLooksUpSparseSpansByKey(TestDatabase db)
            throws Exception
    {
        // the source has even ids 2..6000; the target lacks 2000..4000, where a span of its keys
        // holds far more source keys than the range read takes (they are looked up by key), and
        // has odd extra rows before, inside and after the four ranges the scan is split into
        onBothSides(db, "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))");
        StringBuilder all = new StringBuilder();
        StringBuilder kept = new StringBuilder();
        for (int id = 2; id <= 6000; id += 2) {
            all.append(all.length() == 0 ? "" : ", ").append('(').append(id).append(", 'x')");
            if (id < 2000 || id > 4000) {
                kept.append(kept.length() == 0 ? "" : ", ").append('(').append(id).append(", 'x')");
            }
        }
        db.executeOnSource("INSERT INTO items VALUES " + all);
        db.executeOnTarget("INSERT INTO items VALUES " + kept);
        List<Integer> extras = List.of(-5, 1, 1499, 2999, 3001, 4501, 6001, 99999);
        for (int id : extras) {
            db.executeOnTarget("INSERT INTO items VALUES (" + id + ", 'extra')");
        }
        TestingPluginContext context = VerifierContexts.connect(db, Optional.empty());
        try (Verifier verifier = create(Map.of("concurrency", 4, "maxReportedKeys", 100), context)) {
            verifier.start(null);
            // no copied batches: only the scan can find these rows
            VerificationResult before = verifier.verifyBeforeCutover();
            assertFalse(before.failed(), before.message());
            assertTrue(before.message().contains((3000 - 1001 + extras.size()) + " target keys scanned"), before.message());
            VerificationResult result = verifier.verifyAtCutover();
            assertEquals(VerificationResult.Status.MISMATCH, result.status(), result.message());
            assertEquals(1, result.mismatches().size(), result.message());
            Set<Key> expected = new HashSet<>();
            for (int id : extras) {
                expected.add(Key.of(new KeyValue.SignedInt(id)));
            }
            assertEquals(expected, new HashSet<>(result.mismatches().get(0).keys()), result.message());
        }
    }

    @Test
    void comparesCompressedColumnsDecompressed(TestDatabase db)
            throws Exception
    {
        byte[] text = "hello hello hello hello hello!".getBytes(StandardCharsets.US_ASCII);
        String literal = HexFormat.of().formatHex(TestingSnappy.literalsOnly(text));
        String withCopies = HexFormat.of().formatHex(TestingSnappy.withCopies(text));
        assertNotEquals(literal, withCopies);
        onBothSides(db, "CREATE TABLE docs (id INT NOT NULL PRIMARY KEY, body VARBINARY(200))");
        db.executeOnSource("INSERT INTO docs VALUES (1, x'" + literal + "'), (2, x'" + literal + "')");
        db.executeOnTarget("INSERT INTO docs VALUES (1, x'" + withCopies + "'), (2, x'" + literal + "')");

        assertMismatch(db, verify(db, Map.of()), "docs", Key.of(new KeyValue.SignedInt(1)));
        VerificationResult decompressed = verify(db, Map.of("compressedColumns", Map.of(db.name() + ".docs", Map.of("body", "snappy"))));
        assertEquals(VerificationResult.Status.MATCH, decompressed.status(), decompressed.message());
    }

    @Test
    void dropsKeysFromTheBacklogOnceTheyMatch(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        db.executeOnTarget("UPDATE items SET v = 'stale' WHERE id = 2");
        TestingPluginContext context = VerifierContexts.connect(db, Optional.empty());
        try (Verifier verifier = create(Map.of(), context)) {
            verifier.start(null);
            copy(verifier, context);
            assertTrue(verifier.saveState().contains("[\"i:2\"]"), verifier.saveState());
            Thread.sleep(400);
            // still different: the key stays
            assertTrue(verifier.saveState().contains("[\"i:2\"]"), verifier.saveState());
            // the binlog catches up
            db.executeOnTarget("UPDATE items SET v = 'b' WHERE id = 2");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (verifier.saveState().contains("[\"i:2\"]") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(verifier.saveState().contains("[\"i:2\"]"), verifier.saveState());
            assertTrue(verifier.currentResult().message().contains("0 keys and 0 whole tables waiting"), verifier.currentResult().message());
            assertEquals(VerificationResult.Status.MATCH, verifier.verifyAtCutover().status());
            assertEquals(3, context.testingMetrics().counterValue("verifier_rows_verified"));
        }
    }

    @Test
    void reverifiesRowsChangedByTheBinlog(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        TestingPluginContext context = VerifierContexts.connect(db, Optional.empty());
        try (Verifier verifier = create(Map.of(), context)) {
            verifier.start(null);
            copy(verifier, context);
            db.executeOnSource("UPDATE items SET v = 'c2' WHERE id = 3");
            verifier.afterEventsApplied(List.of(IterativeVerifierIT.update(context, "items", 3)));
            assertMismatch(db, verifier.verifyAtCutover(), "items", Key.of(new KeyValue.SignedInt(3)));
        }
    }

    @Test
    void resumesWithTheBacklog(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE pairs (a INT NOT NULL, b VARBINARY(8) NOT NULL, v VARCHAR(10), PRIMARY KEY (a, b))",
                "INSERT INTO pairs VALUES (1, x'00ff', 'x'), (2, x'', 'x'), (3, x'7f', 'x')");
        db.executeOnTarget("UPDATE pairs SET v = 'y' WHERE a = 3");
        TestingPluginContext context = VerifierContexts.connect(db, Optional.empty());
        String state;
        try (Verifier verifier = create(Map.of("interval", "1h"), context)) {
            verifier.start(null);
            copy(verifier, context);
            state = verifier.saveState();
        }
        assertTrue(state.contains("[\"i:3\",\"b:7f\"]"), state);
        try (Verifier resumed = create(Map.of(), context)) {
            resumed.start(state);
            assertMismatch(db, resumed.verifyAtCutover(), "pairs", Key.of(new KeyValue.SignedInt(3), KeyValue.Bytes.fromHex("7f")));
        }
    }

    @Test
    void saysByHowMuchTheBacklogExceedsMaxExpectedDowntime(TestDatabase db)
            throws Exception
    {
        onBothSides(db,
                "CREATE TABLE digits (d INT NOT NULL PRIMARY KEY)",
                "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO items SELECT a.d * 100 + b.d * 10 + c.d, 0 FROM digits a, digits b, digits c");
        db.executeOnTarget("UPDATE items SET v = 1");
        TestingPluginContext context = VerifierContexts.connect(db, Optional.empty());
        try (Verifier verifier = create(Map.of("maxExpectedDowntime", "1ms", "interval", "1h", "batchSize", 100), context)) {
            verifier.start(null);
            copy(verifier, context);
            VerificationResult before = verifier.verifyBeforeCutover();
            assertEquals(VerificationResult.Status.MATCH, before.status(), before.message());
            assertTrue(before.message().matches(".*re-verification backlog of 1000 keys would take ~\\S+ at \\d+ keys/s, over maxExpectedDowntime 1ms by \\S+"), before.message());
            assertTrue(verifier.expectedCutoverDuration().compareTo(Duration.ofMillis(1)) > 0, verifier.expectedCutoverDuration().toString());
            VerificationResult result = verifier.verifyAtCutover();
            assertEquals("1000 rows differ", result.mismatches().get(0).reason());
        }
    }
}
