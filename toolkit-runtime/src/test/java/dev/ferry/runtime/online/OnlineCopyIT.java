package dev.ferry.runtime.online;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

@RealServers
class OnlineCopyIT
{
    @Test
    void copiesWhileWritesRunAndCutsOver(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, n INT NOT NULL, payload MEDIUMBLOB)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq), 0, UNHEX(SHA2(seq, 256)) FROM seq_1_to_60000",
                "ANALYZE TABLE items");
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(),
                "copy:\n  batchSize: 100\n  concurrency: 2\n  rangeSize: 5000\n"))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            Workload workload = new Workload(db.source(), db.name(), "items", 42, 2);
            workload.start();
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(100);
            }
            Thread.sleep(500);
            workload.stop();
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        }
    }

    @Test
    void delaysTheCopyUntilReplicationIsStopped(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO t SELECT seq, seq FROM seq_1_to_5000");
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(),
                "copy:\n  delayUntilReplicationStops: true\n"))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (ferry.applier().isEmpty() && !run.isDone()) {
                Thread.sleep(20);
            }
            db.executeOnSource("UPDATE t SET v = v + 1 WHERE id <= 100", "INSERT INTO t VALUES (9999, 1)");
            Thread.sleep(1000);
            assertEquals(0, ferry.metrics().counter("copy_rows", "").value(), "the copy must wait while replication runs");
            ferry.requestStop();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.STOPPED, result.phase(), result.message());
            assertEquals(5001, result.rowsCopied());
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
    }
}
