package dev.ferry.runtime.copy;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The copy survives lost connections and stops, saying why, on errors that a retry cannot fix.
 */
@RealServers
class CopyRetryIT
{
    private static final int ROWS = 200_000;
    private static final long TIMEOUT_MILLIS = 60_000;

    /**
     * While the copy runs, the administrator holds a write lock on the table so that ferry's next
     * statement waits, finds that statement in the processlist, and kills its connection: first
     * the source's copy SELECT, then the target's INSERT.
     */
    @ParameterizedTest(name = "copy.writeMethod: {0}")
    @ValueSource(strings = {"insert", "load-data"})
    void killedSourceAndTargetConnectionsAreRetried(String writeMethod, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE big (id INT NOT NULL PRIMARY KEY, payload VARCHAR(64) NOT NULL, n BIGINT NOT NULL)",
                "INSERT INTO big SELECT seq, SHA2(seq, 256), seq * seq FROM seq_1_to_" + ROWS);
        String table = "`" + db.name() + "`.`big`";
        try (Ferry ferry = TestingFerry.create(db.servers(), CopyTesting.config(db,
                "copy:\n  batchSize: 200\n  concurrency: 1\n  retryBackoff: 50ms\n  readRetries: 10\n  writeRetries: 10\n  writeMethod: " + writeMethod + "\n"))) {
            CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return ferry.run();
                }
                catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            awaitTargetRows(db, 10_000, run);
            long sourceKilled = killWhileLocked(db.source(), db.name(), "SELECT %FROM " + table + "%");
            awaitTargetRows(db, 60_000, run);
            // the run's statements start with its tag, /* ferry run N */
            String write = writeMethod.equals("insert") ? "/* ferry run %*/ INSERT IGNORE INTO " + table + "%"
                    : "/* ferry run %*/ LOAD DATA LOCAL INFILE % INTO TABLE " + table + "%";
            long targetKilled = killWhileLocked(db.target(), db.name(), write);

            RunResult result = run.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            assertTrue(sourceKilled != targetKilled);
            assertTrue(ferry.metrics().counters().get("copy_retries").value() >= 2,
                    "retries: " + ferry.metrics().counters().get("copy_retries").value());
            assertEquals(ROWS, result.rowsCopied(), "no batch was counted twice");
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
    }

    /**
     * The target's column is NOT NULL where the source's is nullable (the column types read the
     * same, so preparation lets it pass): row 57's NULL cannot be stored, and retrying would not
     * help. {@code INSERT IGNORE} would store '' with a warning; ferry fails the batch instead.
     * Batches of a fixed 10 rows, so that the failing batch starts after key 50.
     */
    @ParameterizedTest(name = "copy.writeMethod: {0}")
    @ValueSource(strings = {"insert", "load-data"})
    void valueTheTargetCannotStoreStopsTheRunNamingTableKeyAndError(String writeMethod, TestDatabase db)
    {
        createNarrowTarget(db);
        CopyException e = assertThrows(CopyException.class, () -> CopyTesting.run(db, "copy:\n  batchSize: 10\n  adaptive: false\n  retryBackoff: 10ms\n  writeMethod: "
                + writeMethod + "\n"));
        String table = db.name() + ".t";
        if (writeMethod.equals("insert")) {
            assertEquals("copying " + table + " to " + table + " failed at key (50): [1048/23000] target " + table
                    + " did not store a row exactly: warning 1048: Column 'name' cannot be null", e.getMessage());
        }
        else {
            // LOAD DATA reports it with its own warning (MariaDB: 1263, NULL supplied to NOT NULL column 'name' at row 7)
            String prefix = "copying " + table + " to " + table + " failed at key (50): [";
            assertTrue(e.getMessage().startsWith(prefix) && e.getMessage().contains("target " + table + " did not store a row exactly: warning ")
                    && e.getMessage().contains("'name'"), e.getMessage());
        }
        assertEquals(List.of(List.of("50")), db.target().query("SELECT COUNT(*) FROM " + table), "the failing batch is rolled back");
    }

    /**
     * A batch of rows the target mostly has already (a resumed copy): the server lists only the
     * first 64 warnings, all duplicates, so the run counts them all. Rows equal: the batch passes;
     * one row beyond the listed warnings that cannot be stored: the batch fails.
     */
    @ParameterizedTest(name = "copy.writeMethod: {0}")
    @ValueSource(strings = {"insert", "load-data"})
    void warningsBeyondTheListedOnesAreCounted(String writeMethod, TestDatabase db)
            throws Exception
    {
        String table = db.name() + ".t";
        db.executeOnSource(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NULL)",
                "INSERT INTO t SELECT seq, CONCAT('name ', seq) FROM seq_1_to_1000");
        db.target().execute("CREATE DATABASE " + db.name(), "CREATE TABLE " + table + " (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        db.target().executeIn(db.name(), "INSERT INTO t SELECT seq, CONCAT('name ', seq) FROM seq_1_to_950");
        String config = "copy:\n  batchSize: 1000\n  retryBackoff: 10ms\n  writeMethod: " + writeMethod + "\n  createTargetTables: false\n";

        RunResult result = CopyTesting.run(db, config);
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());

        db.target().execute("DELETE FROM " + table + " WHERE id > 950");
        db.source().execute("UPDATE " + table + " SET name = NULL WHERE id = 990");
        CopyException e = assertThrows(CopyException.class, () -> CopyTesting.run(db, config));
        assertEquals("copying " + table + " to " + table + " failed at the start of its range: target " + table + " did not store a row exactly: "
                + "951 warnings for 950 rows skipped as duplicates (the first 64 listed were duplicates)", e.getMessage());
        assertEquals(950, db.target().queryLong("SELECT COUNT(*) FROM " + table), "the failing batch is rolled back");
    }

    @Test
    void valueTheTargetCannotStoreStopsAFullTableCopy(TestDatabase db)
    {
        createNarrowTarget(db);
        CopyException e = assertThrows(CopyException.class, () -> CopyTesting.run(db, "copy:\n  batchSize: 10\n  retryBackoff: 10ms\n"
                + "  fullCopyTables: [\"" + db.name() + ".t\"]\n"));
        String table = db.name() + ".t";
        assertEquals("copying " + table + " to " + table + " failed at full copy: [1048/23000] target " + table
                + " did not store a row exactly: warning 1048: Column 'name' cannot be null", e.getMessage());
        assertEquals(List.of(List.of("0")), db.target().query("SELECT COUNT(*) FROM " + table), "the full copy is rolled back");
    }

    private static void createNarrowTarget(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NULL)",
                "INSERT INTO t SELECT seq, CONCAT('name ', seq) FROM seq_1_to_100",
                "UPDATE t SET name = NULL WHERE id = 57");
        db.target().execute("CREATE DATABASE " + db.name(),
                "CREATE TABLE " + db.name() + ".t (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)");
    }

    private static void awaitTargetRows(TestDatabase db, long rows, CompletableFuture<RunResult> run)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                fail("the copy ended before the connections were killed: " + run.join().message());
            }
            boolean created = !db.target().query("SELECT 1 FROM information_schema.tables WHERE table_schema = '" + db.name()
                    + "' AND table_name = 'big'").isEmpty();
            if (created && db.target().queryLong("SELECT COUNT(*) FROM `" + db.name() + "`.big") >= rows) {
                return;
            }
            Thread.sleep(20);
        }
        fail("the target never reached " + rows + " rows");
    }

    /**
     * Locks the table as the administrator, waits until a statement of the ferry user matching
     * {@code infoPattern} (a LIKE pattern) waits for it, kills that connection and unlocks.
     *
     * @return the killed connection's id
     */
    private static long killWhileLocked(MySqlServer server, String database, String infoPattern)
            throws Exception
    {
        try (Connection admin = server.openAdmin(database); Statement lock = admin.createStatement()) {
            lock.execute("LOCK TABLES big WRITE");
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
                while (System.nanoTime() < deadline) {
                    List<List<String>> waiting = server.query("SELECT id FROM information_schema.processlist WHERE user = '" + server.user()
                            + "' AND info LIKE '" + infoPattern.replace("'", "''") + "'");
                    if (!waiting.isEmpty()) {
                        long id = Long.parseLong(waiting.get(0).get(0));
                        server.execute("KILL CONNECTION " + id);
                        return id;
                    }
                    Thread.sleep(10);
                }
                throw new AssertionError(server.role() + ": no statement like " + infoPattern + " of user " + server.user() + " showed up");
            }
            finally {
                lock.execute("UNLOCK TABLES");
            }
        }
    }
}
