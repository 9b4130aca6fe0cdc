package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LagThrottlerTest
        extends AbstractThrottlerContractTest
{
    private static final String QUERY = "SELECT lag FROM meta.heartbeat";

    @Override
    protected ThrottlerFactory factory()
    {
        return new LagThrottlerFactory();
    }

    @Override
    protected Throttler newThrottler()
    {
        return lag(TestingPluginConfig.builder("throttlers.copy[0]").set("query", QUERY).build());
    }

    private PollingThrottler lag(TestingPluginConfig config)
    {
        PollingThrottler throttler = (PollingThrottler) factory().create(config, context);
        assertEquals(List.of(), config.problems());
        return throttler;
    }

    @Override
    protected void throttle(Throttler throttler)
    {
        database.answer(new Object[] {60});
        ((PollingThrottler) throttler).poll();
    }

    @Override
    protected void release(Throttler throttler)
    {
        database.answer(new Object[] {0});
        ((PollingThrottler) throttler).poll();
    }

    @Test
    void configDefaults()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("query", "SELECT 1").build();
        assertEquals(new LagConfig("SELECT 1", Duration.ofSeconds(1), DatabaseSide.SOURCE, Duration.ofSeconds(5)), LagConfig.bind(config));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void configExplicit()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("query", "SELECT 1").set("interval", "250ms").set("connection", "target").set("maxLag", "30s").build();
        assertEquals(new LagConfig("SELECT 1", Duration.ofMillis(250), DatabaseSide.TARGET, Duration.ofSeconds(30)), LagConfig.bind(config));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void configProblemsAreAllReported()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("interval", "1ms").set("connection", "replica").set("maxLag", 5).set("maxlag", "5s").build();
        factory().create(config, context);
        assertEquals(List.of(
                        "throttlers.copy[0].query: is required",
                        "throttlers.copy[0].interval: must be at least 10ms (got 0.001s)",
                        "throttlers.copy[0].connection: must be one of source, target (got \"replica\")",
                        "throttlers.copy[0].maxLag: must be a duration such as 500ms, 30s, 5m, 2h or 1d (got 5)",
                        "throttlers.copy[0].maxlag: unknown key; known keys here: connection, interval, maxLag, query"),
                config.problems());
    }

    @Test
    void throttlesUntilTheFirstMeasurement()
    {
        try (Throttler throttler = newThrottler()) {
            assertTrue(throttler.isThrottled());
            assertEquals("lag not measured yet", throttler.reason());
            assertEquals(0, database.connectionsBorrowed(), "create must not connect");
        }
    }

    @Test
    void throttlesWhileLagIsAboveMaxLag()
    {
        try (PollingThrottler throttler = lag(TestingPluginConfig.builder("throttlers.copy[0]").set("query", QUERY).set("maxLag", "5s").build())) {
            database.answer(new Object[] {new BigDecimal("12.5")});
            throttler.poll();
            assertTrue(throttler.isThrottled());
            assertEquals("lag 12.5s > 5s", throttler.reason());
            assertEquals(List.of(QUERY), database.queries());

            database.answer(new Object[] {5.0});
            throttler.poll();
            assertFalse(throttler.isThrottled(), "a lag equal to maxLag is allowed");

            database.answer(new Object[] {"7"});
            throttler.poll();
            assertEquals("lag 7.0s > 5s", throttler.reason());
        }
    }

    @Test
    void fractionalMaxLagIsPrintedInSeconds()
    {
        try (PollingThrottler throttler = lag(TestingPluginConfig.builder("throttlers.copy[0]").set("query", QUERY).set("maxLag", "1500ms").build())) {
            database.answer(new Object[] {2L});
            throttler.poll();
            assertEquals("lag 2.0s > 1.5s", throttler.reason());
        }
    }

    @Test
    void aFailingQueryThrottlesAndIsLoggedOncePerChange()
    {
        try (PollingThrottler throttler = lag(TestingPluginConfig.builder("throttlers.copy[0]").set("query", QUERY).build())) {
            database.fail("Table 'meta.heartbeat' doesn't exist");
            throttler.poll();
            throttler.poll();
            assertTrue(throttler.isThrottled());
            assertEquals("lag query failed: Table 'meta.heartbeat' doesn't exist", throttler.reason());

            database.fail("Lost connection to server during query");
            throttler.poll();
            assertEquals("lag query failed: Lost connection to server during query", throttler.reason());

            database.answer(new Object[] {1});
            throttler.poll();
            throttler.poll();
            assertFalse(throttler.isThrottled());
        }
        assertEquals(List.of(
                        "WARNING lag query failed, the stage waits until it works: Table 'meta.heartbeat' doesn't exist",
                        "WARNING lag query failed, the stage waits until it works: Lost connection to server during query",
                        "INFO lag query works again"),
                context.logged());
    }

    @Test
    void resultsThatAreNotOneNumberThrottleWithTheReason()
    {
        try (PollingThrottler throttler = lag(TestingPluginConfig.builder("throttlers.copy[0]").set("query", QUERY).build())) {
            database.answer();
            throttler.poll();
            assertEquals("lag query failed: returned no row; it must return one row with one number", throttler.reason());

            database.answer(new Object[] {null});
            throttler.poll();
            assertEquals("lag query failed: returned NULL instead of a number", throttler.reason());

            database.answer(new Object[] {"soon"});
            throttler.poll();
            assertEquals("lag query failed: returned \"soon\", which is not a number", throttler.reason());

            database.answer(new Object[] {1, 2});
            throttler.poll();
            assertEquals("lag query failed: returned 2 columns; it must return one row with one number", throttler.reason());

            database.answer(new Object[] {1}, new Object[] {2});
            throttler.poll();
            assertEquals("lag query failed: returned more than one row; it must return one row with one number", throttler.reason());
            assertTrue(throttler.isThrottled());
        }
    }

    @Test
    void runsOnTheConfiguredConnection()
    {
        FakeDataSource target = new FakeDataSource();
        TestingPluginContext sides = TestingPluginContext.builder().source(database.dataSource()).target(target.dataSource()).build();
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("query", QUERY).set("connection", "target").build();
        try (PollingThrottler throttler = (PollingThrottler) factory().create(config, sides)) {
            target.answer(new Object[] {0});
            throttler.poll();
            assertFalse(throttler.isThrottled());
            assertEquals(1, target.connectionsBorrowed());
            assertEquals(0, database.connectionsBorrowed());
        }
    }

    @Test
    void startPollsInTheBackgroundUntilClosed()
            throws InterruptedException
    {
        database.answer(new Object[] {0});
        Throttler throttler = lag(TestingPluginConfig.builder("throttlers.copy[0]").set("query", QUERY).set("interval", "10ms").build());
        throttler.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (throttler.isThrottled() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(throttler.isThrottled(), throttler.reason());
        database.answer(new Object[] {100});
        while (!throttler.isThrottled() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals("lag 100.0s > 5s", throttler.reason());
        throttler.close();
        int polls = database.queries().size();
        Thread.sleep(100);
        assertEquals(polls, database.queries().size(), "no poll after close");
    }
}
