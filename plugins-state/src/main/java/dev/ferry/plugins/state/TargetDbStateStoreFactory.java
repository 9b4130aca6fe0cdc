package dev.ferry.plugins.state;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.state.StateStoreFactory;

/**
 * {@code state.type: target-db}: keeps the state in a table on the target server, one row per run
 * id. Keys:
 * <ul>
 * <li>{@code database}: the target database of the state table (required; created when missing)</li>
 * <li>{@code table}: the state table (default {@code ferry_state}; created when missing)</li>
 * <li>{@code writePositionWithBatches}: record the binlog position in the transaction of every
 * applied batch (default false)</li>
 * </ul>
 */
public final class TargetDbStateStoreFactory
        implements StateStoreFactory
{
    @Override
    public String name()
    {
        return "target-db";
    }

    @Override
    public String description()
    {
        return "keeps the state in a table on the target, optionally with the position in every applied transaction";
    }

    @Override
    public StateStore create(PluginConfig config, PluginContext context)
    {
        return new TargetDbStateStore(TargetDbStateConfig.bind(config), context);
    }
}
