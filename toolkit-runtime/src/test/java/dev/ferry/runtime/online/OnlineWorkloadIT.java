package dev.ferry.runtime.online;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An online move under a concurrent write load that runs for the whole copy (and on into the
 * binlog phase): the five tables of {@link Workload#createTables} (unsigned keys at 2^64-1,
 * 200 KB BLOBs, a composite (INT, VARCHAR) key, a VARCHAR key in a case- and pad-insensitive
 * collation, a small table whose rows are deleted for good), key changes, multi-row and
 * multi-table transactions, a row inserted, updated and deleted in one transaction. After the
 * load stops and ferry cuts over, every row on the target must equal the source's, byte for byte.
 * Each seed gives another interleaving; small batches and ranges and 3 copy workers make the copy
 * race the applier.
 * <p>
 * The test can fail: reads of {@code hot} are slowed ({@link SlowCopyReads}) so that the copy
 * holds a stale batch longer than the applier needs to apply a delete, and the load is paced so
 * that the applier keeps up. With {@code lockStrategy: none} and the full load (not a case of
 * this matrix) deleted rows of {@code hot} came back on the target in every run tried.
 */
@RealServers
class OnlineWorkloadIT
{
    private static final int ROWS_PER_TABLE = 12_000;
    private static final int WORKLOAD_THREADS = 3;
    /** per thread: a load the applier keeps up with on 2 cores, so its lag stays below the window */
    private static final int OPERATIONS_PER_SECOND = 100;
    /** 50-row batches of {@code hot} take 100 ms to read: longer than the applier needs for a change */
    private static final BigDecimal SECONDS_PER_HOT_ROW = new BigDecimal("0.002");

    static List<Arguments> runs()
    {
        List<Arguments> runs = new ArrayList<>();
        for (String strategy : List.of("source-db", "in-ferry")) {
            for (long seed : List.of(1L, 2L, 3L)) {
                runs.add(Arguments.of(strategy, Workload.Mix.FULL, seed));
            }
        }
        // without locking, only a load that never updates or deletes is safe
        for (long seed : List.of(1L, 2L, 3L)) {
            runs.add(Arguments.of("none", Workload.Mix.INSERT_ONLY, seed));
        }
        return runs;
    }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @MethodSource("runs")
    void targetEqualsSourceAfterCutover(String lockStrategy, Workload.Mix mix, long seed, TestDatabase db)
            throws Exception
    {
        Workload.createTables(db, ROWS_PER_TABLE);
        String yaml = TestingFerry.config(db.servers(), db.name(),
                "copy:\n  batchSize: 50\n  concurrency: 3\n  rangeSize: 1000\n  lockStrategy: " + lockStrategy + "\n"
                        + "replication:\n  batchSize: 200\n");
        Workload workload = new Workload(db.source(), db.name(), mix, seed, WORKLOAD_THREADS).paced(OPERATIONS_PER_SECOND);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        SlowCopyReads slowHotReads = new SlowCopyReads(Set.of("hot"), SECONDS_PER_HOT_ROW);
        try (Ferry ferry = slowHotReads.create(db.servers(), yaml)) {
            // the load is already running when streaming starts and the copy plans its ranges
            workload.start();
            Thread.sleep(200);
            Future<RunResult> run = executor.submit(() -> ferry.run());
            long copyStartOperations = -1;
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                if (copyStartOperations < 0 && ferry.phase() == FerryPhase.COPYING) {
                    copyStartOperations = workload.operations();
                }
                Thread.sleep(20);
            }
            long copyEndOperations = workload.operations();
            // and goes on into the binlog phase
            Thread.sleep(1_000);
            long operations = workload.stop();
            ferry.requestCutover();
            RunResult result = run.get(2, TimeUnit.MINUTES);

            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            assertTrue(copyStartOperations >= 0, "the copy phase was never seen");
            long duringCopy = copyEndOperations - copyStartOperations;
            assertTrue(duringCopy > 100, "only " + duringCopy + " operations ran during the copy");
            assertTrue(result.eventsApplied() > 0, "no binlog event was applied");
            System.out.printf("[OnlineWorkloadIT] %s %s seed %d: copy %d ms, %d rows; %d operations (%d during the copy, %d rolled back); %d events applied%n",
                    lockStrategy, mix, seed, result.copyElapsed().toMillis(), result.rowsCopied(), operations, duringCopy, workload.rollbacks(),
                    result.eventsApplied());
            TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        }
        finally {
            workload.halt();
            executor.shutdownNow();
        }
    }
}
