package dev.ferry.runtime.plugin;

import dev.ferry.api.PluginContext;
import dev.ferry.api.PluginFactory;
import dev.ferry.runtime.config.PluginSection;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Creates plugins from their config sections: finds the factory named by {@code type}, lets it
 * bind the section, then reports the keys it did not read. Problems go to the section's problem
 * list, so that one validation reports everything.
 */
public final class PluginAssembler
{
    private final PluginRegistry registry;
    private final PluginContext context;

    public PluginAssembler(PluginRegistry registry, PluginContext context)
    {
        this.registry = requireNonNull(registry, "registry is null");
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * The plugin for {@code section}, or empty when the section or the plugin has problems (then
     * recorded in the section's problem list).
     */
    public <T> Optional<T> create(PluginKind kind, PluginSection section, Class<T> pluginType)
    {
        if (section.type() == null) {
            return Optional.empty();
        }
        Optional<PluginDescriptor> descriptor = registry.find(kind, section.type());
        if (descriptor.isEmpty()) {
            section.config().problem("type", registry.unknownMessage(kind, section.type(), section.path()));
            markAllRead(section);
            return Optional.empty();
        }
        int before = section.config().problems().size();
        Object plugin;
        try {
            plugin = ((PluginFactory<?>) descriptor.get().factory()).create(section.config(), context);
        }
        catch (RuntimeException e) {
            section.config().problem(null, kind.displayName() + " \"" + section.type() + "\" rejected its config: " + e.getMessage());
            return Optional.empty();
        }
        section.config().reportUnknownKeys();
        if (section.config().problems().size() > before) {
            return Optional.empty();
        }
        if (!pluginType.isInstance(plugin)) {
            section.config().problem("type", kind.displayName() + " \"" + section.type() + "\" returned " + (plugin == null ? "null" : plugin.getClass().getName()));
            return Optional.empty();
        }
        return Optional.of(pluginType.cast(plugin));
    }

    private static void markAllRead(PluginSection section)
    {
        // The plugin is unknown, so its keys cannot be judged; reporting them as unknown too
        // would bury the one real problem.
        for (String key : section.config().keys()) {
            section.config().raw(key);
        }
    }
}
