package dev.ferry.api.state;

import dev.ferry.api.PluginFactory;

/**
 * Factory for {@link StateStore}s, selected by {@code state.type}.
 */
public interface StateStoreFactory
        extends PluginFactory<StateStore>
{
}
