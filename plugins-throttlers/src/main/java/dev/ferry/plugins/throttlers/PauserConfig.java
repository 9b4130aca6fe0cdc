package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginConfig;

/**
 * The keys of {@code type: pauser}.
 *
 * @param paused whether the stage starts paused (default false)
 */
public record PauserConfig(boolean paused)
{
    static PauserConfig bind(PluginConfig config)
    {
        return new PauserConfig(config.bool("paused", false));
    }
}
