package dev.ferry.runtime.control;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ferry.runtime.control.ControlServerIT.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The applier's batches stop at 32 MiB of row images whatever {@code replication.batchSize}
 * allows: one source transaction of 40 MiB of blobs is applied in two batches, and the target
 * ends equal to the source row by row after another written beside small concurrent writes.
 */
@RealServers
class ApplyBatchBytesIT
{
    private static final int BLOB_BYTES = 2 << 20;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aTransactionOfLargeRowsIsAppliedInBatchesOfBoundedBytes(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, body LONGBLOB NOT NULL)",
                "CREATE TABLE small (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40) NOT NULL)");
        String yaml = ControlTesting.config(db.servers(), db.name(), "replication:\n  batchSize: 4000\n  parallelism: 1\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: 127.0.0.1:0\n");
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml, plugins -> plugins);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> run = executor.submit(ferry::run);
            awaitStatus(server, run, body -> body.get("phase").asText().equals("waiting-for-cutover"));

            // alone: 20 rows of 2 MiB in one transaction, 40 MiB, far under 4000 events. The applier
            // is held (paused) on a small batch meanwhile, so that the whole transaction is queued
            // when it goes on: otherwise it applies what it has whenever the stream is slower
            // than the queue, and batches end anyway
            assertEquals(200, ControlTesting.post(server, "/api/pause?stage=replication", null).statusCode());
            double before = batches(server);
            db.executeOnSource("INSERT INTO small (note) VALUES ('first')");
            // taken off the queue and held: the applier waits to write it
            awaitStatus(server, run, body -> body.at("/replication/backlogEvents").asLong() == 1 && body.at("/replication/queued").asLong() == 0);
            insertBlobs(db, 1, 20);
            // 20 rows events and the transaction's end
            awaitStatus(server, run, body -> body.at("/replication/queued").asLong() >= 21);
            assertEquals(200, ControlTesting.post(server, "/api/unpause?stage=replication", null).statusCode());
            awaitTarget(db, "SELECT COUNT(*) FROM " + db.name() + ".blobs", 20);
            // the counter follows each batch's commit
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (batches(server) - before < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            // the small row; then 16 events reach 32 MiB, and the transaction's other 4 make a
            // third batch (without the bound, the 20 would be one)
            assertEquals(3, batches(server) - before, "40 MiB of row images in batches of at most 32 MiB");

            // with small writes beside them
            AtomicBoolean writing = new AtomicBoolean(true);
            Future<Integer> writer = executor.submit(() -> {
                int written = 0;
                while (writing.get()) {
                    db.executeOnSource("INSERT INTO small (note) VALUES ('beside " + written + "')",
                            "UPDATE blobs SET body = CONCAT(body, 'x') WHERE id = " + (1 + written % 20),
                            "DELETE FROM small WHERE id % 7 = 0");
                    written++;
                }
                return written;
            });
            insertBlobs(db, 100, 20);
            writing.set(false);
            assertTrue(writer.get(60, TimeUnit.SECONDS) > 0, "the concurrent writer wrote");
            // written after everything else: once it is on the target, so is the rest
            db.executeOnSource("INSERT INTO small (id, note) VALUES (1000000, 'last')");
            awaitTarget(db, "SELECT COUNT(*) FROM " + db.name() + ".small WHERE id = 1000000", 1);
            db.assertTargetEqualsSource();

            assertEquals(202, ControlTesting.post(server, "/api/stop", null).statusCode());
            assertEquals(FerryPhase.STOPPED, run.get(60, TimeUnit.SECONDS).phase());
        }
        finally {
            executor.shutdownNow();
        }
    }

    /**
     * Inserts rows {@code first..first+count-1} of 2 MiB each, in one transaction.
     */
    private static void insertBlobs(TestDatabase db, int first, int count)
    {
        db.executeOnSource("INSERT INTO blobs SELECT seq, REPEAT(CHAR(65 + seq % 26), " + BLOB_BYTES + ") FROM seq_" + first + "_to_" + (first + count - 1));
    }

    private static void awaitTarget(TestDatabase db, String sql, long expected)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = db.target().queryLong(sql);
            if (seen == expected) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the target did not reach " + expected + " for " + sql + " in 90 s (last " + seen + ")");
    }

    private static double batches(ControlServer server)
            throws Exception
    {
        return sample(ControlTesting.get(server, "/metrics").body(), "ferry_apply_batches_total");
    }

    private static double sample(String text, String series)
    {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        if (!matcher.find()) {
            fail(series + " is not on the page:\n" + text);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
