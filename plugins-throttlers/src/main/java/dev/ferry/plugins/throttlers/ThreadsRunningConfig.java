package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginConfig;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The keys of {@code type: threads-running}.
 *
 * @param max the stage waits while the source's {@code Threads_running} is above this (required)
 * @param interval how often it is read (default 1s)
 */
public record ThreadsRunningConfig(int max, Duration interval)
{
    public ThreadsRunningConfig
    {
        requireNonNull(interval, "interval is null");
    }

    static ThreadsRunningConfig bind(PluginConfig config)
    {
        if (!config.has("max")) {
            config.problem("max", "is required: the number of running threads on the source above which the stage waits, e.g. 50");
        }
        int max = config.integer("max", Integer.MAX_VALUE, 1, 1_000_000);
        Duration interval = Intervals.interval(config);
        return new ThreadsRunningConfig(max, interval);
    }
}
