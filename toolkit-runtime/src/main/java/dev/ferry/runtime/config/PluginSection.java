package dev.ferry.runtime.config;

import dev.ferry.config.ConfigTree;

import static java.util.Objects.requireNonNull;

/**
 * A config section that selects a plugin by {@code type}; the rest of the section belongs to the
 * plugin.
 *
 * @param path the section's key path, e.g. {@code verifier}
 * @param type the plugin name, or null when the section has no type (a problem already recorded)
 * @param config the section, handed to the plugin's factory
 */
public record PluginSection(String path, String type, ConfigTree config)
{
    public PluginSection
    {
        requireNonNull(path, "path is null");
        requireNonNull(config, "config is null");
    }

    static PluginSection bind(ConfigTree section)
    {
        String type = section.requiredString("type");
        return new PluginSection(section.path(), type.isEmpty() ? null : type, section);
    }
}
