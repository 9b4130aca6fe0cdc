package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;
import dev.ferry.testing.spi.TestingPluginConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PauserThrottlerTest
        extends AbstractThrottlerContractTest
{
    @Override
    protected ThrottlerFactory factory()
    {
        return new PauserThrottlerFactory();
    }

    @Override
    protected Throttler newThrottler()
    {
        return factory().create(TestingPluginConfig.empty("throttlers.copy[0]"), context);
    }

    @Override
    protected void throttle(Throttler throttler)
    {
        throttler.onCommand("pause");
    }

    @Override
    protected void release(Throttler throttler)
    {
        throttler.onCommand("unpause");
    }

    @Test
    void configDefaults()
    {
        TestingPluginConfig config = TestingPluginConfig.empty("throttlers.copy[0]");
        assertEquals(new PauserConfig(false), PauserConfig.bind(config));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void configExplicit()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("paused", true).build();
        assertEquals(new PauserConfig(true), PauserConfig.bind(config));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void configProblems()
    {
        TestingPluginConfig config = TestingPluginConfig.builder("throttlers.copy[0]").set("paused", "yes").set("pasued", true).build();
        factory().create(config, context);
        assertEquals(List.of(
                        "throttlers.copy[0].paused: must be true or false (got \"yes\")",
                        "throttlers.copy[0].pasued: unknown key; known keys here: paused"),
                config.problems());
    }

    @Test
    void startsUnpausedUnlessConfigured()
    {
        try (Throttler throttler = newThrottler()) {
            assertFalse(throttler.isThrottled());
        }
        try (Throttler throttler = factory().create(TestingPluginConfig.builder("throttlers.copy[0]").set("paused", true).build(), context)) {
            assertTrue(throttler.isThrottled());
            assertEquals("paused by operator", throttler.reason());
        }
    }

    @Test
    void pauseAndUnpauseAreIdempotentAndLoggedOnChange()
    {
        try (Throttler throttler = newThrottler()) {
            throttler.onCommand("pause");
            throttler.onCommand("pause");
            assertTrue(throttler.isThrottled());
            throttler.onCommand("unpause");
            throttler.onCommand("unpause");
            assertFalse(throttler.isThrottled());
        }
        assertEquals(List.of("INFO pauser: paused by operator", "INFO pauser: unpaused by operator"), context.logged());
    }
}
