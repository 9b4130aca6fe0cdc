package dev.ferry.runtime.control;

import java.time.Duration;
import java.util.Locale;

/**
 * How numbers and durations read on the status page and the console.
 */
final class Display
{
    private Display() {}

    /**
     * {@code 1,234,567}.
     */
    static String count(long value)
    {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /**
     * {@code 1,234.5}, or {@code 1,234} from 1000 up.
     */
    static String rate(double value)
    {
        return value >= 1000 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%,.1f", value);
    }

    /**
     * {@code 42.5%}.
     */
    static String percent(double value)
    {
        return String.format(Locale.ROOT, "%.1f%%", value);
    }

    /**
     * {@code 850ms}, {@code 12.3s}, {@code 4m 05s}, {@code 2h 03m}, {@code 3d 04h}.
     */
    static String duration(Duration duration)
    {
        long millis = Math.max(0, duration.toMillis());
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }

    /**
     * A duration given in seconds, or {@code -} when unknown.
     */
    static String seconds(Double seconds)
    {
        if (seconds == null || seconds.isNaN() || seconds.isInfinite()) {
            return "-";
        }
        return duration(Duration.ofMillis(Math.round(seconds * 1000)));
    }
}
