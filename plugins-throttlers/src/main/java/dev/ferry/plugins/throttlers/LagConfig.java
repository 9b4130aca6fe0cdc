package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginConfig;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The keys of {@code type: lag}.
 *
 * @param query returns one row with one number: the lag in seconds (required)
 * @param interval how often the query runs (default 1s)
 * @param connection the server it runs on (default source)
 * @param maxLag the stage waits while the lag is above this (default 5s)
 */
public record LagConfig(String query, Duration interval, DatabaseSide connection, Duration maxLag)
{
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(5);

    public LagConfig
    {
        requireNonNull(query, "query is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(connection, "connection is null");
        requireNonNull(maxLag, "maxLag is null");
    }

    static LagConfig bind(PluginConfig config)
    {
        String query = config.requiredString("query");
        Duration interval = Intervals.interval(config);
        DatabaseSide connection = DatabaseSide.of(config.oneOf("connection", "source", DatabaseSide.NAMES));
        Duration maxLag = config.duration("maxLag", DEFAULT_MAX_LAG);
        return new LagConfig(query, interval, connection, maxLag);
    }
}
