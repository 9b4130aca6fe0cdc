package com.example.ferry.plugin;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

import static java.util.Objects.requireNonNull;

/**
 * A daily window of local time, {@code [start, end)}; a window whose end is before its start
 * spans midnight ({@code 22:00-06:00}).
 */
public final class QuietHours
{
    private static final int SECONDS_PER_DAY = 86_400;

    private final LocalTime start;
    private final LocalTime end;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final int startSecond;
    private final int endSecond;

    public QuietHours(LocalTime start, LocalTime end, ZoneId zone)
    {
        this.start = requireNonNull(start, "start is null");
        this.end = requireNonNull(end, "end is null");
        this.zone = requireNonNull(zone, "zone is null");
        if (start.equals(end)) {
            throw new IllegalArgumentException("start and end are both " + start + ": the window would be empty");
        }
        this.rules = zone.getRules();
        this.startSecond = start.toSecondOfDay();
        this.endSecond = end.toSecondOfDay();
    }

    /**
     * Whether {@code instant} falls inside the window, in the window's zone.
     */
    public boolean contains(Instant instant)
    {
        // Called before every batch: plain arithmetic instead of a LocalDateTime per call.
        long local = instant.getEpochSecond() + rules.getOffset(instant).getTotalSeconds();
        int second = (int) Math.floorMod(local, (long) SECONDS_PER_DAY);
        if (startSecond < endSecond) {
            return second >= startSecond && second < endSecond;
        }
        return second >= startSecond || second < endSecond;
    }

    public LocalTime start()
    {
        return start;
    }

    public LocalTime end()
    {
        return end;
    }

    public ZoneId zone()
    {
        return zone;
    }

    @Override
    public String toString()
    {
        return start + "-" + end + " " + zone.getId();
    }
}
