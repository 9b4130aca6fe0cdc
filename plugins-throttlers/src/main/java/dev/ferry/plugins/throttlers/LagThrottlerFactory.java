package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;

/**
 * {@code type: lag}: holds the stage back while a replica of the source (or the target) lags, as
 * measured by a query of the user's, e.g. on a pt-heartbeat table. Keys:
 * <ul>
 * <li>{@code query}: returns one row with one number, the lag in seconds (required), e.g.
 *     {@code SELECT TIMESTAMPDIFF(MICROSECOND, MAX(ts), UTC_TIMESTAMP(6)) / 1e6 FROM meta.heartbeat}</li>
 * <li>{@code interval}: how often the query runs (default {@code 1s})</li>
 * <li>{@code connection}: {@code source} or {@code target}, the server the query runs on
 *     (default {@code source})</li>
 * <li>{@code maxLag}: the stage waits while the lag is above this (default {@code 5s})</li>
 * </ul>
 * A query that fails or returns anything but one number holds the stage back too, with the error
 * as the reason.
 */
public final class LagThrottlerFactory
        implements ThrottlerFactory
{
    @Override
    public String name()
    {
        return "lag";
    }

    @Override
    public String description()
    {
        return "wait while a lag query (one number, seconds) is above maxLag (query, interval, connection, maxLag)";
    }

    @Override
    public Throttler create(PluginConfig config, PluginContext context)
    {
        return create(LagConfig.bind(config), context);
    }

    static PollingThrottler create(LagConfig config, PluginContext context)
    {
        int timeout = PollingThrottler.timeoutSeconds(config.interval());
        String query = config.query();
        String maxLag = Intervals.seconds(config.maxLag());
        return new PollingThrottler(
                "lag",
                () -> config.connection().dataSource(context),
                connection -> PollingThrottler.singleNumber(connection, query, timeout),
                config.maxLag().toNanos() / 1e9,
                lag -> "lag " + Intervals.seconds(lag) + " > " + maxLag,
                config.interval(),
                context.logger(LagThrottlerFactory.class));
    }
}
