package dev.ferry.runtime;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.config.PluginSection;
import dev.ferry.runtime.plugin.PluginAssembler;
import dev.ferry.runtime.plugin.PluginKind;
import dev.ferry.runtime.plugin.PluginRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The plugins a config selects, created and bound.
 */
public record PipelinePlugins(
        FerryConfig config,
        TableFilter tableFilter,
        Optional<CopyFilter> copyFilter,
        Verifier verifier,
        List<Throttler> copyThrottlers,
        List<Throttler> replicationThrottlers,
        Optional<StateStore> stateStore)
{
    public PipelinePlugins
    {
        requireNonNull(config, "config is null");
        requireNonNull(tableFilter, "tableFilter is null");
        requireNonNull(copyFilter, "copyFilter is null");
        requireNonNull(verifier, "verifier is null");
        copyThrottlers = List.copyOf(requireNonNull(copyThrottlers, "copyThrottlers is null"));
        replicationThrottlers = List.copyOf(requireNonNull(replicationThrottlers, "replicationThrottlers is null"));
        requireNonNull(stateStore, "stateStore is null");
    }

    /**
     * Creates every plugin of {@code loaded}, then reports all problems of the config and its
     * plugins at once.
     *
     * @throws dev.ferry.runtime.config.ConfigException listing every problem
     */
    public static PipelinePlugins assemble(ConfigLoader.Loaded loaded, PluginRegistry registry, RuntimePluginContext context)
    {
        FerryConfig config = loaded.config();
        PluginAssembler assembler = new PluginAssembler(registry, context);
        Optional<TableFilter> tableFilter = assembler.create(PluginKind.TABLE_FILTER, config.tableFilter(), TableFilter.class);
        Optional<CopyFilter> copyFilter = config.copyFilter().flatMap(section -> assembler.create(PluginKind.COPY_FILTER, section, CopyFilter.class));
        Optional<Verifier> verifier = assembler.create(PluginKind.VERIFIER, config.verifier(), Verifier.class);
        List<Throttler> copyThrottlers = throttlers(assembler, config.copyThrottlers());
        List<Throttler> replicationThrottlers = throttlers(assembler, config.replicationThrottlers());
        Optional<StateStore> stateStore = config.state().flatMap(section -> assembler.create(PluginKind.STATE_STORE, section, StateStore.class));
        FerryConfig finished = loaded.finish();
        copyFilter.ifPresent(context::setCopyFilter);
        return new PipelinePlugins(finished, tableFilter.orElseThrow(), copyFilter, verifier.orElseThrow(), copyThrottlers, replicationThrottlers, stateStore);
    }

    private static List<Throttler> throttlers(PluginAssembler assembler, List<PluginSection> sections)
    {
        List<Throttler> result = new ArrayList<>();
        for (PluginSection section : sections) {
            assembler.create(PluginKind.THROTTLER, section, Throttler.class).ifPresent(result::add);
        }
        return result;
    }
}
