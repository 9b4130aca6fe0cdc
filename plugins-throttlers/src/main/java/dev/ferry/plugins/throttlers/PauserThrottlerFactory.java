package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.throttle.ThrottlerFactory;

/**
 * {@code type: pauser}: lets an operator pause and resume the stage through the control server
 * ({@code POST /api/pause}, {@code POST /api/unpause}). Keys:
 * <ul>
 * <li>{@code paused}: start paused (default false)</li>
 * </ul>
 */
public final class PauserThrottlerFactory
        implements ThrottlerFactory
{
    @Override
    public String name()
    {
        return "pauser";
    }

    @Override
    public String description()
    {
        return "pause and resume the stage from the control API (paused)";
    }

    @Override
    public Throttler create(PluginConfig config, PluginContext context)
    {
        PauserConfig bound = PauserConfig.bind(config);
        return new PauserThrottler(bound.paused(), context.logger(PauserThrottler.class));
    }
}
