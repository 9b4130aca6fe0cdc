package dev.ferry.runtime.ddl;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tables renamed on the source while their copy runs: the copy follows them to their new names,
 * so no row the copy had not reached yet is lost.
 */
@RealServers
class RenameDuringCopyIT
{
    private static final String CONFIG = "copy:\n  batchSize: 50\n  concurrency: 2\ncutover:\n  automatic: false\n";

    @Test
    void copyFollowsATableRenamedDuringItsCopy(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE a (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "INSERT INTO a SELECT seq, CONCAT('a', seq) FROM seq_1_to_100000");
        move(db, ferry -> copied(ferry, "a") >= 2000, ferry -> {
            assertCopyNotDone(ferry, "a", 100000);
            db.executeOnSource("RENAME TABLE a TO b");
            db.executeOnSource(
                    "INSERT INTO b VALUES (200001, 'after rename')",
                    "UPDATE b SET v = 'updated' WHERE id % 1000 = 0",
                    "DELETE FROM b WHERE id % 1000 = 1",
                    "ALTER TABLE b RENAME TO c",
                    "UPDATE c SET v = 'moved twice' WHERE id % 999 = 0");
        }, List.of("c"));
    }

    @Test
    void copyFollowsAnOnlineSchemaChangeSwap(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE a (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "INSERT INTO a SELECT seq, CONCAT('a', seq) FROM seq_1_to_100000");
        move(db, ferry -> copied(ferry, "a") >= 2000, ferry -> {
            // what pt-online-schema-change does (without its triggers: nothing writes meanwhile);
            // the copy is paused while the new table fills, so that the swap comes in its middle
            pauseCopy(ferry, true);
            db.executeOnSource(
                    "CREATE TABLE _a_new LIKE a",
                    "ALTER TABLE _a_new ADD COLUMN note VARCHAR(10) NULL");
            for (int low = 0; low < 100000; low += 20000) {
                db.executeOnSource("INSERT INTO _a_new (id, v) SELECT id, v FROM a WHERE id > " + low + " AND id <= " + (low + 20000));
            }
            assertCopyNotDone(ferry, "a", 100000);
            pauseCopy(ferry, false);
            db.executeOnSource("RENAME TABLE a TO _a_old, _a_new TO a");
            db.executeOnSource(
                    "DROP TABLE _a_old",
                    "INSERT INTO a VALUES (200001, 'after swap', 'n')",
                    "UPDATE a SET note = 'x' WHERE id % 1000 = 0",
                    "DELETE FROM a WHERE id % 1000 = 1");
        }, List.of("a"));
    }

    @Test
    void copyFollowsTheOldTableAnOnlineSchemaChangeKeeps(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE a (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "INSERT INTO a SELECT seq, CONCAT('a', seq) FROM seq_1_to_100000");
        move(db, ferry -> copied(ferry, "a") >= 2000, ferry -> {
            // gh-ost's cut-over, which keeps the old table as _a_del (the copy paused while the
            // ghost table fills, as above)
            pauseCopy(ferry, true);
            db.executeOnSource(
                    "CREATE TABLE _a_gho LIKE a",
                    "ALTER TABLE _a_gho MODIFY v VARCHAR(40) NOT NULL",
                    "INSERT INTO _a_gho SELECT * FROM a WHERE id % 2 = 0");
            assertCopyNotDone(ferry, "a", 100000);
            pauseCopy(ferry, false);
            db.executeOnSource(
                    "RENAME TABLE a TO _a_del, _a_gho TO a",
                    "INSERT INTO a VALUES (200001, 'after cut-over')",
                    "UPDATE _a_del SET v = 'kept' WHERE id % 1000 = 0");
        }, List.of("a", "_a_del"));
    }

    @Test
    void copyFollowsTwoTablesSwappedDuringTheirCopies(TestDatabase db)
            throws Exception
    {
        // same structure, so the copy's statements keep working after the swap; different key
        // ranges, so rows read from the wrong table would show
        db.executeOnSource(
                "CREATE TABLE a (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "CREATE TABLE b (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "INSERT INTO a SELECT seq, CONCAT('a', seq) FROM seq_1_to_60000",
                "INSERT INTO b SELECT seq, CONCAT('b', seq) FROM seq_1_to_90000");
        move(db, ferry -> copied(ferry, "a") >= 2000 && copied(ferry, "b") >= 2000, ferry -> {
            assertCopyNotDone(ferry, "a", 60000);
            assertCopyNotDone(ferry, "b", 90000);
            db.executeOnSource("RENAME TABLE a TO tmp, b TO a, tmp TO b");
            db.executeOnSource(
                    "INSERT INTO a VALUES (100001, 'new in a')",
                    "INSERT INTO b VALUES (100001, 'new in b')",
                    "UPDATE a SET v = 'updated' WHERE id % 1000 = 0",
                    "DELETE FROM b WHERE id % 1000 = 1");
        }, List.of("a", "b"));
    }

    private interface Step
    {
        void run(Ferry ferry)
                throws Exception;
    }

    private static void move(TestDatabase db, Predicate<Ferry> ready, Step duringCopy, List<String> tables)
            throws Exception
    {
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(), CONFIG))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (!ready.test(ferry) && !run.isDone()) {
                Thread.sleep(5);
            }
            duringCopy.run(ferry);
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(50);
            }
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        for (String table : tables) {
            assertEquals(normalized(db.source().query("SHOW CREATE TABLE " + db.name() + "." + table)),
                    normalized(db.target().query("SHOW CREATE TABLE " + db.name() + "." + table)), table);
        }
    }

    /**
     * Rows copied of the table first planned as {@code table}.
     */
    private static long copied(Ferry ferry, String table)
    {
        return ferry.tables().stream()
                .filter(plan -> plan.table().name().table().equals(table))
                .mapToLong(plan -> plan.progress().rowsCopied())
                .sum();
    }

    /**
     * Pauses or resumes the copy as the control API's {@code pause} does: batches in flight end,
     * no new one starts.
     */
    private static void pauseCopy(Ferry ferry, boolean paused)
    {
        ferry.tuning().pauser("copy").onCommand(paused ? "pause" : "unpause");
    }

    /**
     * The rename must come while the copy still has most rows to go, or the test shows nothing.
     */
    private static void assertCopyNotDone(Ferry ferry, String table, long rows)
    {
        long copied = copied(ferry, table);
        assertTrue(copied < rows * 3 / 4, "the copy of " + table + " is too far (" + copied + " of " + rows + " rows) to rename it in its middle");
    }

    private static String normalized(List<List<String>> showCreate)
    {
        return showCreate.get(0).get(1).replaceAll(" AUTO_INCREMENT=\\d+", "");
    }
}
