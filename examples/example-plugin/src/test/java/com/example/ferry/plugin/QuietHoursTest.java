package com.example.ferry.plugin;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuietHoursTest
{
    @Test
    void sameDayWindowIncludesStartAndExcludesEnd()
    {
        QuietHours window = new QuietHours(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneOffset.UTC);
        assertFalse(window.contains(Instant.parse("2025-03-10T08:59:59Z")));
        assertTrue(window.contains(Instant.parse("2025-03-10T09:00:00Z")));
        assertTrue(window.contains(Instant.parse("2025-03-10T16:59:59Z")));
        assertFalse(window.contains(Instant.parse("2025-03-10T17:00:00Z")));
        assertFalse(window.contains(Instant.parse("2025-03-10T23:30:00Z")));
    }

    @Test
    void windowSpanningMidnight()
    {
        QuietHours window = new QuietHours(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneOffset.UTC);
        assertTrue(window.contains(Instant.parse("2025-03-10T22:00:00Z")));
        assertTrue(window.contains(Instant.parse("2025-03-10T23:59:59Z")));
        assertTrue(window.contains(Instant.parse("2025-03-11T00:00:00Z")));
        assertTrue(window.contains(Instant.parse("2025-03-11T05:59:59Z")));
        assertFalse(window.contains(Instant.parse("2025-03-11T06:00:00Z")));
        assertFalse(window.contains(Instant.parse("2025-03-11T12:00:00Z")));
        assertFalse(window.contains(Instant.parse("2025-03-11T21:59:59Z")));
    }

    @Test
    void localTimeFollowsTheZoneAcrossDaylightSaving()
    {
        QuietHours window = new QuietHours(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneId.of("Europe/Berlin"));
        // Winter: UTC+1, so 09:00 local is 08:00Z.
        assertFalse(window.contains(Instant.parse("2025-01-15T07:59:00Z")));
        assertTrue(window.contains(Instant.parse("2025-01-15T08:00:00Z")));
        assertFalse(window.contains(Instant.parse("2025-01-15T16:00:00Z")));
        // Summer: UTC+2, so 09:00 local is 07:00Z.
        assertTrue(window.contains(Instant.parse("2025-07-15T07:00:00Z")));
        assertFalse(window.contains(Instant.parse("2025-07-15T15:00:00Z")));
    }

    @Test
    void instantsBeforeTheEpoch()
    {
        QuietHours window = new QuietHours(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneOffset.UTC);
        assertTrue(window.contains(Instant.parse("1969-12-31T23:00:00Z")));
        assertFalse(window.contains(Instant.parse("1969-12-31T12:00:00Z")));
    }

    @Test
    void emptyWindowIsRejected()
    {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new QuietHours(LocalTime.of(9, 0), LocalTime.of(9, 0), ZoneOffset.UTC));
        assertEquals("start and end are both 09:00: the window would be empty", e.getMessage());
    }
}
