package dev.ferry.runtime.online;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The binlog connection is killed on the source ({@code KILL} of ferry's {@code Binlog Dump}
 * thread, from an admin session) several times while writes go on, during the copy and during
 * the binlog phase after it, and the binlog is rotated ({@code FLUSH BINARY LOGS}) during the copy.
 * Each time ferry must reconnect (a new dump thread appears), go on applying (the
 * {@code apply_events} counter rises again) and, after the cutover, the target must equal the
 * source. A kill may land inside a transaction: the stream restarts at the transaction's first
 * event and must neither apply its first part twice in a way that matters nor skip its rest.
 * <p>
 * The servers are shared with other test runs, so ferry connects to the source as a user of its
 * own (same grants and password as the harness's ferry user): the dump thread to kill is the one
 * of that user, never another run's.
 */
@RealServers
class BinlogKillIT
{
    private static final int ROWS_PER_TABLE = 3_000;
    private static final int KILLS = 3;
    private static final long TIMEOUT_MILLIS = 30_000;
    private static final String SOURCE_GRANTS = "SELECT, RELOAD, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR, REPLICATION CLIENT, PROCESS, SHOW VIEW, TRIGGER, EVENT";

    @Test
    void resumesAfterKillsDuringTheBinlogPhase(TestDatabase db)
            throws Exception
    {
        Workload.createTables(db, ROWS_PER_TABLE);
        try (SourceUser user = SourceUser.create(db)) {
            String yaml = user.config(db, "copy:\n  batchSize: 200\n  concurrency: 2\n  rangeSize: 1000\n"
                    + "replication:\n  retryBackoff: 100ms\n  heartbeat: 1s\n");
            Workload workload = new Workload(db.source(), db.name(), Workload.Mix.FULL, 11, 2).paced(100);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (Ferry ferry = TestingFerry.create(db.servers(), yaml)) {
                workload.start();
                Future<RunResult> run = executor.submit(() -> ferry.run());
                await("the copy to finish", () -> ferry.phase() == FerryPhase.WAITING_FOR_CUTOVER || run.isDone());
                assertEquals(FerryPhase.WAITING_FOR_CUTOVER, ferry.phase());

                Set<Long> killed = new LinkedHashSet<>();
                for (int i = 0; i < KILLS; i++) {
                    killAndAwaitResume(db.source(), user, ferry, killed);
                    assertFalseDone(run);
                }
                assertEquals(KILLS, killed.size(), "binlog connections killed: " + killed);

                workload.stop();
                ferry.requestCutover();
                RunResult result = run.get(2, TimeUnit.MINUTES);
                assertEquals(FerryPhase.DONE, result.phase(), result.message());
                TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
            }
            finally {
                workload.halt();
                executor.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"source-db", "in-ferry"})
    void resumesAfterKillsAndRotationsDuringTheCopy(String lockStrategy, TestDatabase db)
            throws Exception
    {
        Workload.createTables(db, ROWS_PER_TABLE);
        try (SourceUser user = SourceUser.create(db)) {
            String yaml = user.config(db, "copy:\n  batchSize: 50\n  concurrency: 2\n  rangeSize: 1000\n  lockStrategy: " + lockStrategy + "\n"
                    + "replication:\n  retryBackoff: 100ms\n  heartbeat: 1s\n");
            // 900 rows of hot at 5 ms each: the copy takes at least 4.5 s
            SlowCopyReads slowHot = new SlowCopyReads(Set.of("hot"), new BigDecimal("0.005"));
            Workload workload = new Workload(db.source(), db.name(), Workload.Mix.FULL, 12, 2).paced(100);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (Ferry ferry = slowHot.create(db.servers(), yaml)) {
                workload.start();
                Future<RunResult> run = executor.submit(() -> ferry.run());
                await("the copy to start", () -> ferry.phase() == FerryPhase.COPYING || run.isDone());

                Set<Long> killed = new LinkedHashSet<>();
                List<String> files = new ArrayList<>();
                files.add(binlogFile(db.source()));
                for (int i = 0; i < KILLS; i++) {
                    assertEquals(FerryPhase.COPYING, ferry.phase(), "the copy ended after " + i + " kills: make it slower");
                    killAndAwaitResume(db.source(), user, ferry, killed);
                    db.source().execute("FLUSH BINARY LOGS");
                    files.add(binlogFile(db.source()));
                    Thread.sleep(200);
                }
                assertEquals(KILLS, killed.size(), "binlog connections killed: " + killed);
                assertEquals(KILLS + 1, Set.copyOf(files).size(), "binlog files: " + files);
                await("the copy to finish", () -> ferry.phase() == FerryPhase.WAITING_FOR_CUTOVER || run.isDone());

                workload.stop();
                ferry.requestCutover();
                RunResult result = run.get(2, TimeUnit.MINUTES);
                assertEquals(FerryPhase.DONE, result.phase(), result.message());
                TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
            }
            finally {
                workload.halt();
                executor.shutdownNow();
            }
        }
    }

    /**
     * Kills the current dump thread of {@code user}, then waits for a new one and for more events
     * to be applied. {@code killed} holds the threads killed so far, in order, then the new one.
     */
    private static void killAndAwaitResume(MySqlServer source, SourceUser user, Ferry ferry, Set<Long> killed)
            throws InterruptedException
    {
        long current = awaitDumpThread(source, user, killed);
        killed.add(current);
        long applied = appliedEvents(ferry);
        source.execute("KILL " + current);
        awaitDumpThread(source, user, killed);
        await("events applied after the reconnect (were " + applied + ")", () -> appliedEvents(ferry) > applied + 20);
    }

    /**
     * The id of a dump thread of {@code user} that is not in {@code old}, once there is one: a
     * killed thread may linger a moment.
     */
    private static long awaitDumpThread(MySqlServer source, SourceUser user, Set<Long> old)
            throws InterruptedException
    {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            for (List<String> row : source.query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user.name()
                    + "' AND COMMAND = 'Binlog Dump' ORDER BY ID")) {
                long id = Long.parseLong(row.get(0));
                if (!old.contains(id)) {
                    return id;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no new binlog connection of " + user.name() + " within " + TIMEOUT_MILLIS + " ms (seen: " + old + ")");
    }

    private static long appliedEvents(Ferry ferry)
    {
        RuntimeMetrics.NamedCounter counter = ferry.metrics().counters().get("apply_events");
        return counter == null ? 0 : counter.value();
    }

    private static String binlogFile(MySqlServer source)
    {
        return source.query("SHOW MASTER STATUS").get(0).get(0);
    }

    private static void assertFalseDone(Future<?> run)
    {
        if (run.isDone()) {
            try {
                fail("ferry ended during the binlog phase: " + run.get());
            }
            catch (Exception e) {
                throw new AssertionError("ferry failed during the binlog phase", e);
            }
        }
    }

    private static void await(String what, BooleanSupplier condition)
            throws InterruptedException
    {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + TIMEOUT_MILLIS + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * A source user of this test alone, with the grants and password of the harness's ferry user;
     * created and dropped without writing to the binlog.
     */
    private record SourceUser(MySqlServer source, String name)
            implements AutoCloseable
    {
        static SourceUser create(TestDatabase db)
        {
            // test database names end in a random suffix
            String name = "fk_" + db.name().substring(db.name().length() - 6);
            MySqlServer source = db.source();
            source.execute("SET SESSION sql_log_bin = 0",
                    "CREATE OR REPLACE USER '" + name + "'@'%' IDENTIFIED BY '" + source.password().replace("'", "''") + "'",
                    "GRANT " + SOURCE_GRANTS + " ON *.* TO '" + name + "'@'%'");
            return new SourceUser(source, name);
        }

        /**
         * {@link TestingFerry#config} with this user on the source.
         */
        String config(TestDatabase db, String extra)
        {
            String yaml = TestingFerry.config(db.servers(), db.name(), extra);
            int target = yaml.indexOf("\ntarget:\n");
            String sourcePart = yaml.substring(0, target);
            String replaced = sourcePart.replace("\n  user: " + source.user() + "\n", "\n  user: " + name + "\n");
            if (replaced.equals(sourcePart)) {
                throw new IllegalStateException("no source user in the test config: " + sourcePart);
            }
            return replaced + yaml.substring(target);
        }

        @Override
        public void close()
        {
            source.execute("SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + name + "'@'%'");
        }
    }
}
