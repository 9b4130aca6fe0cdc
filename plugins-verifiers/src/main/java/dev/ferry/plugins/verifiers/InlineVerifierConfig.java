package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code verifier.type: inline}.
 *
 * @param comparison the shared row-comparison settings
 * @param interval pause between re-verification rounds of the backlog ({@code interval}, default 1s)
 * @param maxExpectedDowntime the longest the cutover verification may take
 *        ({@code maxExpectedDowntime}); empty: no limit
 * @param checkExtraRows whether {@code verifyBeforeCutover} scans the target's keys for rows the
 *        source does not have, outside every copied batch's key span ({@code checkExtraRows},
 *        default true; skipped for tables the copy filter narrows)
 * @param concurrency key ranges scanned for extra rows at once, each on its own source and target
 *        connection ({@code concurrency}, default 4)
 */
record InlineVerifierConfig(ComparisonConfig comparison, Duration interval, Optional<Duration> maxExpectedDowntime, boolean checkExtraRows, int concurrency)
{
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final int DEFAULT_CONCURRENCY = 4;

    InlineVerifierConfig
    {
        requireNonNull(comparison, "comparison is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(maxExpectedDowntime, "maxExpectedDowntime is null");
    }

    static InlineVerifierConfig bind(PluginConfig config)
    {
        ComparisonConfig comparison = ComparisonConfig.bind(config);
        Duration interval = config.duration("interval", DEFAULT_INTERVAL);
        if (interval.isNegative() || interval.isZero()) {
            config.problem("interval", "must be positive (got " + interval + ")");
            interval = DEFAULT_INTERVAL;
        }
        Optional<Duration> maxExpectedDowntime = Optional.empty();
        if (config.has("maxExpectedDowntime")) {
            Duration value = config.duration("maxExpectedDowntime", null);
            if (value != null && (value.isNegative() || value.isZero())) {
                config.problem("maxExpectedDowntime", "must be positive (got " + value + ")");
            }
            else {
                maxExpectedDowntime = Optional.ofNullable(value);
            }
        }
        boolean checkExtraRows = config.bool("checkExtraRows", true);
        int concurrency = config.integer("concurrency", DEFAULT_CONCURRENCY, 1, 64);
        return new InlineVerifierConfig(comparison, interval, maxExpectedDowntime, checkExtraRows, concurrency);
    }
}
