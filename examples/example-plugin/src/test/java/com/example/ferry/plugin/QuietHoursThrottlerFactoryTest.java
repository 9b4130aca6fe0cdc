package com.example.ferry.plugin;

import dev.ferry.api.throttle.Throttler;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuietHoursThrottlerFactoryTest
{
    private static final QuietHoursThrottlerFactory FACTORY = new QuietHoursThrottlerFactory();

    @Test
    void nameIsWhatUsersWriteInType()
    {
        assertEquals("quiet-hours", FACTORY.name());
    }

    @Test
    void throttlesInsideTheWindowOnTheContextClock()
    {
        Map<String, Object> values = Map.of("start", "22:00", "end", "06:00", "zone", "Europe/Berlin");
        TestingPluginConfig config = TestingPluginConfig.of("throttlers.copy[0]", values);

        Throttler inside = FACTORY.create(config, context(at("2025-01-15T22:30:00Z")));
        Throttler outside = FACTORY.create(config, context(at("2025-01-15T12:00:00Z")));

        assertEquals(List.of(), config.problems());
        assertTrue(inside.isThrottled());
        assertEquals("quiet hours 22:00-06:00 Europe/Berlin", inside.reason());
        assertFalse(outside.isThrottled());
        assertEquals("", outside.reason());
    }

    @Test
    void zoneDefaultsToUtc()
    {
        TestingPluginConfig config = TestingPluginConfig.of("throttlers.copy[0]", Map.of("start", "09:00", "end", "10:00"));
        Throttler throttler = FACTORY.create(config, context(at("2025-01-15T09:15:00Z")));
        assertEquals(List.of(), config.problems());
        assertTrue(throttler.isThrottled());
        assertEquals("quiet hours 09:00-10:00 UTC", throttler.reason());
    }

    @Test
    void reportsEveryBadValueAtOnce()
    {
        Map<String, Object> values = Map.of("start", "25:00", "zone", "Mars/Olympus");
        TestingPluginConfig config = TestingPluginConfig.of("throttlers.replication[1]", values);
        FACTORY.create(config, context(at("2025-01-15T09:15:00Z")));
        assertEquals(List.of(
                        "throttlers.replication[1].start: must be a time of day as HH:mm between 00:00 and 23:59 (got \"25:00\")",
                        "throttlers.replication[1].end: is required",
                        "throttlers.replication[1].zone: must be a time zone such as UTC, Europe/Berlin or +02:00 (got \"Mars/Olympus\")"),
                config.problems());
    }

    @Test
    void rejectsAnEmptyWindow()
    {
        TestingPluginConfig config = TestingPluginConfig.of("throttlers.copy[0]", Map.of("start", "09:00", "end", "09:00"));
        FACTORY.create(config, context(at("2025-01-15T09:15:00Z")));
        assertEquals(List.of("throttlers.copy[0].end: must differ from start (both are 09:00): the window would be empty"), config.problems());
    }

    @Test
    void rejectsTimesNotWrittenAsHoursAndMinutes()
    {
        TestingPluginConfig config = TestingPluginConfig.of("throttlers.copy[0]", Map.of("start", "9:00", "end", "1320"));
        FACTORY.create(config, context(at("2025-01-15T09:15:00Z")));
        assertEquals(2, config.problems().size(), config.problems().toString());
        assertTrue(config.problems().get(0).startsWith("throttlers.copy[0].start: must be a time of day as HH:mm"), config.problems().toString());
        assertTrue(config.problems().get(1).endsWith("(got \"1320\")"), config.problems().toString());
    }

    private static TestingPluginContext context(Clock clock)
    {
        return TestingPluginContext.builder().clock(clock).build();
    }

    private static Clock at(String instant)
    {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
