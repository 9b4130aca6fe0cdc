package dev.ferry.plugins.verifiers;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How long re-verifying a backlog at cutover would take at the measured rate, against
 * {@code maxExpectedDowntime}.
 *
 * @param keys keys (and rows of tables re-verified whole) still to re-verify
 * @param keysPerSecond the measured re-verification rate; 0 when not measured yet
 * @param max the configured {@code maxExpectedDowntime}, if any
 */
record DowntimeEstimate(long keys, double keysPerSecond, Optional<Duration> max)
{
    DowntimeEstimate
    {
        requireNonNull(max, "max is null");
    }

    boolean measured()
    {
        return keysPerSecond > 0;
    }

    /**
     * The estimate; zero for an empty backlog or when the rate is unknown.
     */
    Duration duration()
    {
        if (keys == 0 || !measured()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(keys / keysPerSecond * 1e9));
    }

    /**
     * By how much the estimate exceeds {@code maxExpectedDowntime}; empty when it does not.
     */
    Optional<Duration> excess()
    {
        if (max.isEmpty()) {
            return Optional.empty();
        }
        Duration over = duration().minus(max.get());
        return over.isNegative() || over.isZero() ? Optional.empty() : Optional.of(over);
    }

    /**
     * E.g. {@code re-verification backlog of 120000 keys would take ~45s at 2667 keys/s, over
     * maxExpectedDowntime 30s by 15s}.
     */
    String message()
    {
        if (keys == 0) {
            return "re-verification backlog is empty" + max.map(m -> " (maxExpectedDowntime " + format(m) + ")").orElse("");
        }
        StringBuilder text = new StringBuilder("re-verification backlog of ").append(keys).append(keys == 1 ? " key" : " keys");
        if (!measured()) {
            return text.append(", re-verification rate not measured yet").toString();
        }
        text.append(" would take ~").append(format(duration()))
                .append(" at ").append(String.format(Locale.ROOT, keysPerSecond < 10 ? "%.2f" : "%.0f", keysPerSecond)).append(" keys/s");
        if (max.isPresent()) {
            Optional<Duration> over = excess();
            if (over.isPresent()) {
                text.append(", over maxExpectedDowntime ").append(format(max.get())).append(" by ").append(format(over.get()));
            }
            else {
                text.append(", within maxExpectedDowntime ").append(format(max.get()));
            }
        }
        return text.toString();
    }

    /**
     * {@code 250ms}, {@code 4.5s}, {@code 45s}, {@code 2m05s}, {@code 1h02m}.
     */
    static String format(Duration duration)
    {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return Math.max(millis, duration.isZero() ? 0 : 1) + "ms";
        }
        if (millis < 10_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0).replace(".0s", "s");
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
