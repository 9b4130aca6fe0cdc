package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingDataSource;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code lag} and {@code threads-running} against a real server, polling from their own thread.
 */
@RealServers
class PollingThrottlersIT
{
    private static final Duration AWAIT = Duration.ofSeconds(20);

    private static TestingPluginContext context(TestDatabase db)
    {
        return TestingPluginContext.builder()
                .source(TestingDataSource.of(db.source(), db.name()))
                .target(TestingDataSource.of(db.target(), db.name()))
                .build();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void lagFollowsAHeartbeatTable(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE heartbeat (id INT NOT NULL PRIMARY KEY, ts DATETIME(6) NOT NULL)",
                "INSERT INTO heartbeat VALUES (1, NOW(6) - INTERVAL 20 SECOND)");
        TestingPluginContext context = context(db);
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]")
                .set("query", "SELECT TIMESTAMPDIFF(MICROSECOND, MAX(ts), NOW(6)) / 1e6 FROM " + db.name() + ".heartbeat")
                .set("interval", "50ms").set("maxLag", "5s").build();
        try (Throttler throttler = new LagThrottlerFactory().create(config, context)) {
            assertEquals(List.of(), config.problems());
            throttler.start();
            await(throttler, t -> t.reason().matches("lag 2\\d\\.\\ds > 5s"));
            assertTrue(throttler.isThrottled());

            db.executeOnSource("UPDATE heartbeat SET ts = NOW(6)");
            await(throttler, t -> !t.isThrottled());
            assertEquals("", throttler.reason());

            db.executeOnSource("DROP TABLE heartbeat");
            await(throttler, t -> t.reason().startsWith("lag query failed: ") && t.reason().contains("heartbeat"));
            assertTrue(throttler.isThrottled());
        }
        assertEquals(1, context.logged().stream().filter(line -> line.startsWith("WARNING lag query failed")).count(),
                "the failure is logged once: " + context.logged());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void lagQueryRunsOnTheTargetWhenAskedTo(TestDatabase db)
            throws Exception
    {
        db.target().execute("CREATE DATABASE `" + db.name() + "`");
        db.executeOnTarget("CREATE TABLE lag_seconds (lag DOUBLE NOT NULL)", "INSERT INTO lag_seconds VALUES (30)");
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("query", "SELECT lag FROM " + db.name() + ".lag_seconds")
                .set("interval", "50ms").set("connection", "target").set("maxLag", "10s").build();
        try (Throttler throttler = new LagThrottlerFactory().create(config, context(db))) {
            throttler.start();
            await(throttler, t -> t.reason().equals("lag 30.0s > 10s"));
            db.executeOnTarget("UPDATE lag_seconds SET lag = 0.5");
            await(throttler, t -> !t.isThrottled());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threadsRunningFollowsTheSourcesLoad(TestDatabase db)
            throws Exception
    {
        int sleepers = 12;
        int baseline = threadsRunning(db);
        int max = baseline + sleepers / 2;
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("max", max).set("interval", "50ms").build();
        ExecutorService load = Executors.newFixedThreadPool(sleepers);
        List<Long> connectionIds = new ArrayList<>();
        try (Throttler throttler = new ThreadsRunningThrottlerFactory().create(config, context(db))) {
            assertEquals(List.of(), config.problems());
            throttler.start();
            await(throttler, t -> !t.isThrottled());

            for (int i = 0; i < sleepers; i++) {
                Connection connection = db.source().openAdmin();
                try (Statement statement = connection.createStatement(); ResultSet id = statement.executeQuery("SELECT CONNECTION_ID()")) {
                    id.next();
                    connectionIds.add(id.getLong(1));
                }
                load.submit(() -> {
                    try (connection; Statement statement = connection.createStatement()) {
                        statement.execute("SELECT SLEEP(60)");
                    }
                    return null;
                });
            }
            await(throttler, Throttler::isThrottled);
            Matcher reason = Pattern.compile("threads running (\\d+) > " + max).matcher(throttler.reason());
            assertTrue(reason.matches(), throttler.reason());
            assertTrue(Integer.parseInt(reason.group(1)) > max);

            for (long id : connectionIds) {
                db.source().execute("KILL QUERY " + id);
            }
            await(throttler, t -> !t.isThrottled());
        }
        finally {
            for (long id : connectionIds) {
                try {
                    db.source().execute("KILL " + id);
                }
                catch (RuntimeException e) {
                    // already gone
                }
            }
            load.shutdownNow();
        }
    }

    private static int threadsRunning(TestDatabase db)
            throws SQLException
    {
        return Integer.parseInt(db.source().query("SHOW GLOBAL STATUS LIKE 'Threads_running'").get(0).get(1));
    }

    private static void await(Throttler throttler, Predicate<Throttler> condition)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.test(throttler)) {
            if (System.nanoTime() > deadline) {
                fail("the throttler did not get there within " + AWAIT + "; it says: throttled=" + throttler.isThrottled() + ", reason=" + throttler.reason());
            }
            Thread.sleep(20);
        }
    }
}
