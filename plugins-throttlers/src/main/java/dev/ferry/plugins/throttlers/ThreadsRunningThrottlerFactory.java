package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;

/**
 * {@code type: threads-running}: holds the stage back while the source is busy, as measured by
 * {@code SHOW GLOBAL STATUS LIKE 'Threads_running'} (which counts the poll itself, and ferry's own
 * busy connections). Keys:
 * <ul>
 * <li>{@code max}: the stage waits while more threads than this are running (required)</li>
 * <li>{@code interval}: how often the source is asked (default {@code 1s})</li>
 * </ul>
 */
public final class ThreadsRunningThrottlerFactory
        implements ThrottlerFactory
{
    static final String VARIABLE = "Threads_running";

    @Override
    public String name()
    {
        return "threads-running";
    }

    @Override
    public String description()
    {
        return "wait while the source's Threads_running is above max (max, interval)";
    }

    @Override
    public Throttler create(PluginConfig config, PluginContext context)
    {
        return create(ThreadsRunningConfig.bind(config), context);
    }

    static PollingThrottler create(ThreadsRunningConfig config, PluginContext context)
    {
        int timeout = PollingThrottler.timeoutSeconds(config.interval());
        int max = config.max();
        return new PollingThrottler(
                "threads running",
                context::source,
                connection -> PollingThrottler.globalStatus(connection, VARIABLE, timeout),
                max,
                running -> "threads running " + Math.round(running) + " > " + max,
                config.interval(),
                context.logger(ThreadsRunningThrottlerFactory.class));
    }
}
