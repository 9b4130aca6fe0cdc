package dev.ferry.plugins.state;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.state.StateStoreFactory;

/**
 * {@code state.type: file}. Keys:
 * <ul>
 * <li>{@code path}: the state file (required, e.g. {@code /var/lib/ferry/state.json}); replaced
 * atomically on every save, its directory created when missing</li>
 * </ul>
 */
public final class FileStateStoreFactory
        implements StateStoreFactory
{
    @Override
    public String name()
    {
        return "file";
    }

    @Override
    public String description()
    {
        return "keeps the state in a local file, replaced atomically at every save";
    }

    @Override
    public StateStore create(PluginConfig config, PluginContext context)
    {
        return new FileStateStore(FileStateConfig.bind(config).path());
    }
}
