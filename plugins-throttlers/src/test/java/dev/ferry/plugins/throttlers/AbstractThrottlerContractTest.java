package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every throttler promises the stages and the control server. Subclasses create the
 * throttler over {@link #database} and know how to drive it over and under its limit.
 */
abstract class AbstractThrottlerContractTest
{
    protected final FakeDataSource database = new FakeDataSource();
    protected final TestingPluginContext context = TestingPluginContext.builder().source(database.dataSource()).target(database.dataSource()).build();

    /**
     * The factory under test, as registered.
     */
    protected abstract ThrottlerFactory factory();

    /**
     * A throttler of the factory, created from a valid config over {@link #context}.
     */
    protected abstract Throttler newThrottler();

    /**
     * Brings the throttler to say yes, without its background thread.
     */
    protected abstract void throttle(Throttler throttler);

    /**
     * Brings the throttler to say no, without its background thread.
     */
    protected abstract void release(Throttler throttler);

    @Test
    void reasonIsEmptyExactlyWhenNotThrottled()
    {
        try (Throttler throttler = newThrottler()) {
            throttle(throttler);
            assertTrue(throttler.isThrottled());
            assertFalse(throttler.reason().isBlank(), "a throttled stage must say why");
            release(throttler);
            assertFalse(throttler.isThrottled());
            assertEquals("", throttler.reason());
        }
    }

    @Test
    void isThrottledDoesNoInputOutput()
    {
        try (Throttler throttler = newThrottler()) {
            throttle(throttler);
            int before = database.connectionsBorrowed();
            for (int i = 0; i < 10_000; i++) {
                throttler.isThrottled();
                throttler.reason();
            }
            assertEquals(before, database.connectionsBorrowed(), "isThrottled and reason must answer from a cached verdict");
        }
    }

    @Test
    void ignoresCommandsItDoesNotKnow()
    {
        try (Throttler throttler = newThrottler()) {
            release(throttler);
            throttler.onCommand("bogus");
            throttler.onCommand("");
            assertFalse(throttler.isThrottled());
        }
    }

    @Test
    void closesWithoutStartAndTwice()
    {
        Throttler throttler = newThrottler();
        throttler.close();
        throttler.close();
    }

    @Test
    void isFoundByServiceLoaderUnderItsName()
    {
        // on the module path the tests run inside the plugin's module, which provides but does not use
        getClass().getModule().addUses(ThrottlerFactory.class);
        assertTrue(ServiceLoader.load(ThrottlerFactory.class).stream()
                        .anyMatch(provider -> provider.type() == factory().getClass() && provider.get().name().equals(factory().name())),
                "META-INF/services and module-info must register " + factory().getClass().getName());
        assertTrue(factory().name().matches("[a-z]+(-[a-z]+)*"), factory().name());
        assertFalse(factory().description().isBlank());
    }
}
