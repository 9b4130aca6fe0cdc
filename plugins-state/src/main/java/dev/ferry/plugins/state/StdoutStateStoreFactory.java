package dev.ferry.plugins.state;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.state.StateStoreFactory;

/**
 * {@code state.type: stdout}: prints the last state as one JSON line on standard output when the
 * run ends, for a wrapper to capture. Keys:
 * <ul>
 * <li>{@code resumeFrom}: a file holding a line a previous run printed, to resume from (optional)</li>
 * </ul>
 */
public final class StdoutStateStoreFactory
        implements StateStoreFactory
{
    @Override
    public String name()
    {
        return "stdout";
    }

    @Override
    public String description()
    {
        return "prints the final state as one JSON line on stdout; resumes from a file given as resumeFrom";
    }

    @Override
    public StateStore create(PluginConfig config, PluginContext context)
    {
        return new StdoutStateStore(StdoutStateConfig.bind(config).resumeFrom(), () -> System.out);
    }
}
