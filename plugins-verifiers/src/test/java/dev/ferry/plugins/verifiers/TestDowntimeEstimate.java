package dev.ferry.plugins.verifiers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestDowntimeEstimate
{
    @Test
    void estimatesFromBacklogAndRate()
    {
        DowntimeEstimate estimate = new DowntimeEstimate(120_000, 120_000 / 45.0, Optional.of(Duration.ofSeconds(30)));
        assertEquals(Duration.ofSeconds(45), estimate.duration());
        assertEquals(Optional.of(Duration.ofSeconds(15)), estimate.excess());
        assertEquals("re-verification backlog of 120000 keys would take ~45s at 2667 keys/s, over maxExpectedDowntime 30s by 15s", estimate.message());
    }

    @Test
    void withinTheLimit()
    {
        DowntimeEstimate estimate = new DowntimeEstimate(500, 1000, Optional.of(Duration.ofSeconds(30)));
        assertEquals(Duration.ofMillis(500), estimate.duration());
        assertEquals(Optional.empty(), estimate.excess());
        assertEquals("re-verification backlog of 500 keys would take ~500ms at 1000 keys/s, within maxExpectedDowntime 30s", estimate.message());
    }

    @Test
    void withoutALimit()
    {
        assertEquals("re-verification backlog of 1 key would take ~2m05s at 0.01 keys/s", new DowntimeEstimate(1, 1 / 125.0, Optional.empty()).message());
        assertEquals(Optional.empty(), new DowntimeEstimate(1, 1 / 125.0, Optional.empty()).excess());
    }

    @Test
    void unknownRateOrEmptyBacklogEstimatesZero()
    {
        assertEquals(Duration.ZERO, new DowntimeEstimate(100, 0, Optional.of(Duration.ofSeconds(1))).duration());
        assertEquals("re-verification backlog of 100 keys, re-verification rate not measured yet",
                new DowntimeEstimate(100, 0, Optional.of(Duration.ofSeconds(1))).message());
        assertEquals(Duration.ZERO, new DowntimeEstimate(0, 50, Optional.empty()).duration());
        assertEquals("re-verification backlog is empty (maxExpectedDowntime 30s)", new DowntimeEstimate(0, 50, Optional.of(Duration.ofSeconds(30))).message());
    }

    @Test
    void formatsDurations()
    {
        assertEquals("0ms", DowntimeEstimate.format(Duration.ZERO));
        assertEquals("1ms", DowntimeEstimate.format(Duration.ofNanos(10)));
        assertEquals("4.5s", DowntimeEstimate.format(Duration.ofMillis(4500)));
        assertEquals("4s", DowntimeEstimate.format(Duration.ofMillis(4000)));
        assertEquals("45s", DowntimeEstimate.format(Duration.ofMillis(45_200)));
        assertEquals("1h02m", DowntimeEstimate.format(Duration.ofMinutes(62)));
    }
}
