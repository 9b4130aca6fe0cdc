package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;
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
        TestingConfigs config = TestingConfigs.of("{\"max\": 30}");
        Throttler throttler = factory().create(config.section(), context);
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
        TestingConfigs config = TestingConfigs.of("{\"max\": 50, \"interval\": \"2s\"}");
        assertEquals(new ThreadsRunningConfig(50, Duration.ofSeconds(2)), ThreadsRunningConfig.bind(config.section()));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void configDefaultsAndMaxIsRequired()
    {
        TestingConfigs config = TestingConfigs.of("{}");
        assertEquals(Duration.ofSeconds(1), ThreadsRunningConfig.bind(config.section()).interval());
        assertEquals(List.of("throttlers.copy[0].max: is required: the number of running threads on the source above which the stage waits, e.g. 50"),
                config.problems());
    }

    @Test
    void configRejectsAMaxBelowOne()
    {
        TestingConfigs config = TestingConfigs.of("{\"max\": 0}");
        factory().create(config.section(), context);
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
