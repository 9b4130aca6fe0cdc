package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginConfig;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Binding and printing of the durations the polling throttlers share.
 */
final class Intervals
{
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    private Intervals() {}

    /**
     * {@code interval}: how often to poll, at least 10ms.
     */
    static Duration interval(PluginConfig config)
    {
        Duration interval = config.duration("interval", DEFAULT_INTERVAL);
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            config.problem("interval", "must be at least 10ms (got " + seconds(interval) + ")");
            return DEFAULT_INTERVAL;
        }
        return interval;
    }

    /**
     * A duration in seconds without trailing zeros: {@code 5s}, {@code 1.5s}, {@code 0.25s}.
     */
    static String seconds(Duration duration)
    {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
    }

    /**
     * A measured number of seconds with one decimal: {@code 12.5s}.
     */
    static String seconds(double seconds)
    {
        return String.format(Locale.ROOT, "%.1fs", seconds);
    }
}
