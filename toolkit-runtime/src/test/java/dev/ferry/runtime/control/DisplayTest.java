package dev.ferry.runtime.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DisplayTest
{
    @Test
    void durations()
    {
        assertEquals("0s", Display.duration(Duration.ZERO));
        assertEquals("850ms", Display.duration(Duration.ofMillis(850)));
        assertEquals("12.3s", Display.duration(Duration.ofMillis(12_345)));
        assertEquals("4m 05s", Display.duration(Duration.ofSeconds(245)));
        assertEquals("2h 03m", Display.duration(Duration.ofMinutes(123)));
        assertEquals("3d 04h", Display.duration(Duration.ofHours(76)));
        assertEquals("-", Display.seconds(null));
        assertEquals("1.5s", Display.seconds(1.5));
    }

    @Test
    void numbers()
    {
        assertEquals("1,234,567", Display.count(1_234_567));
        assertEquals("12.5", Display.rate(12.46));
        assertEquals("12,346", Display.rate(12_345.6));
        assertEquals("42.5%", Display.percent(42.46));
    }
}
