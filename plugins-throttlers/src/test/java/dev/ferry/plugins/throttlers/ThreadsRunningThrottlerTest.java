package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;
import dev.ferry.testing.spi.TestingPluginConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadsRunningThrottlerTest
        extends AbstractThrottlerContractTest
{
    @Override
    protected ThrottlerFactory factory()
    {
        return new ThreadsRunningThrottlerFactory();
    }

    @Override
    protected Throttler newThrottler()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("max", 30).build();
        Throttler throttler = factory().create(config, context);
        assertEquals(List.of(), config.problems());
        return throttler;
    }

    @Override
    protected void throttle(Throttler throttler)
    {
        database.answer(new Object[] {"Threads_running", "42"});
        ((PollingThrottler) throttler).poll();
    }

    @Override
    protected void release(Throttler throttler)
    {
        database.answer(new Object[] {"Threads_running", "3"});
        ((PollingThrottler) throttler).poll();
    }

    @Test
    void configExplicit()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("max", 50).set("interval", "2s").build();
        assertEquals(new ThreadsRunningConfig(50, Duration.ofSeconds(2)), ThreadsRunningConfig.bind(config));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void configDefaultsAndMaxIsRequired()
    {
        TestingPluginConfig config = TestingPluginConfig.empty("throttlers.copy[0]");
        assertEquals(Duration.ofSeconds(1), ThreadsRunningConfig.bind(config).interval());
        assertEquals(List.of("throttlers.copy[0].max: is required: the number of running threads on the source above which the stage waits, e.g. 50"),
                config.problems());
    }

    @Test
    void configRejectsAMaxBelowOne()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("max", 0).build();
        factory().create(config, context);
        assertEquals(List.of("throttlers.copy[0].max: must be between 1 and 1000000 (got 0)"), config.problems());
    }

    @Test
    void throttlesWhileAboveMax()
    {
        try (Throttler throttler = newThrottler()) {
            throttle(throttler);
            assertTrue(throttler.isThrottled());
            assertEquals("threads running 42 > 30", throttler.reason());
            assertEquals(List.of("SHOW GLOBAL STATUS LIKE 'Threads_running'"), database.queries());
            database.answer(new Object[] {"Threads_running", "30"});
            ((PollingThrottler) throttler).poll();
            assertFalse(throttler.isThrottled());
        }
    }

    @Test
    void aMissingVariableThrottles()
    {
        try (Throttler throttler = newThrottler()) {
            database.answer();
            ((PollingThrottler) throttler).poll();
            assertEquals("threads running query failed: the server has no status variable Threads_running", throttler.reason());
        }
    }
}
