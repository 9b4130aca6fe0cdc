package dev.ferry.runtime.plugin;

import dev.ferry.api.PluginFactory;

import static java.util.Objects.requireNonNull;

/**
 * A plugin found by the registry.
 *
 * @param kind the plugin kind
 * @param name the value of {@code type} that selects it
 * @param module the module that provides it ({@code unnamed} on the class path)
 * @param location the jar or directory it was loaded from
 * @param factory the factory
 */
public record PluginDescriptor(PluginKind kind, String name, String module, String location, PluginFactory<?> factory)
{
    public PluginDescriptor
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(module, "module is null");
        requireNonNull(location, "location is null");
        requireNonNull(factory, "factory is null");
    }
}
