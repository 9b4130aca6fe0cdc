package dev.ferry.api.throttle;

import dev.ferry.api.PluginFactory;

/**
 * Factory for {@link Throttler}s, selected by the {@code type} of each entry of
 * {@code throttlers.copy} and {@code throttlers.replication}.
 */
public interface ThrottlerFactory
        extends PluginFactory<Throttler>
{
}
