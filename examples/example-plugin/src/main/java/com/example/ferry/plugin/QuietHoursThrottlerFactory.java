package com.example.ferry.plugin;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code type: quiet-hours}: holds the stage back during a daily window, e.g. the busy hours of
 * the application that owns the source. Keys:
 * <ul>
 * <li>{@code start}: start of the window, {@code HH:mm} (required)</li>
 * <li>{@code end}: end of the window, {@code HH:mm}, exclusive (required); before {@code start}
 *     for a window that spans midnight</li>
 * <li>{@code zone}: the time zone of {@code start} and {@code end} (default {@code UTC})</li>
 * </ul>
 */
public final class QuietHoursThrottlerFactory
        implements ThrottlerFactory
{
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    @Override
    public String name()
    {
        return "quiet-hours";
    }

    @Override
    public String description()
    {
        return "pause the stage during a daily time window (start, end, zone)";
    }

    @Override
    public Throttler create(PluginConfig config, PluginContext context)
    {
        Optional<LocalTime> start = timeOfDay(config, "start");
        Optional<LocalTime> end = timeOfDay(config, "end");
        Optional<ZoneId> zone = zone(config);
        if (start.isEmpty() || end.isEmpty() || zone.isEmpty()) {
            // Problems are recorded; the runtime discards what is returned.
            return () -> false;
        }
        if (start.get().equals(end.get())) {
            config.problem("end", "must differ from start (both are " + start.get() + "): the window would be empty");
            return () -> false;
        }
        return new QuietHoursThrottler(new QuietHours(start.get(), end.get(), zone.get()), context.clock());
    }

    private static Optional<LocalTime> timeOfDay(PluginConfig config, String key)
    {
        String text = config.requiredString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalTime.parse(text, HH_MM));
        }
        catch (DateTimeParseException e) {
            config.problem(key, "must be a time of day as HH:mm between 00:00 and 23:59 (got \"" + text + "\")");
            return Optional.empty();
        }
    }

    private static Optional<ZoneId> zone(PluginConfig config)
    {
        String text = config.string("zone", "UTC");
        try {
            return Optional.of(ZoneId.of(text));
        }
        catch (DateTimeException e) {
            config.problem("zone", "must be a time zone such as UTC, Europe/Berlin or +02:00 (got \"" + text + "\")");
            return Optional.empty();
        }
    }
}
