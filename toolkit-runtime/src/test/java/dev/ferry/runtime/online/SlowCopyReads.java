package dev.ferry.runtime.online;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.ServerPair;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A copy filter that keeps every row but makes the copy's reads of some tables slow: its
 * predicate {@code SLEEP(s) = 0} costs {@code s} seconds per row read. A non-locking read sees the
 * rows as they were when its statement started, so a slow read widens the time between the copy
 * reading a batch and writing it to the target: the window in which a change committed and
 * applied by the binlog applier could be overwritten with the stale copy (the hazard of
 * {@code docs/consistency.md}). Without this, the window is a few milliseconds and a wrong lock
 * strategy goes unnoticed.
 * <p>
 * Keep slowed tables at most {@code copy.rangeSize} rows: larger ones are split into ranges by
 * queries that evaluate the predicate on every row.
 */
final class SlowCopyReads
        implements CopyFilter
{
    private final Set<String> tables;
    private final BigDecimal secondsPerRow;

    SlowCopyReads(Set<String> tables, BigDecimal secondsPerRow)
    {
        this.tables = Set.copyOf(requireNonNull(tables, "tables is null"));
        this.secondsPerRow = requireNonNull(secondsPerRow, "secondsPerRow is null");
    }

    @Override
    public Optional<SqlPredicate> copyPredicate(TableSchema table)
    {
        if (!tables.contains(table.name().table())) {
            return Optional.empty();
        }
        return Optional.of(new SqlPredicate("SLEEP(?) = 0", List.of(secondsPerRow)));
    }

    @Override
    public boolean matches(TableSchema table, Row row)
    {
        return true;
    }

    /**
     * A ferry like {@link TestingFerry#create}, with this filter as its copy filter.
     */
    Ferry create(ServerPair servers, String yaml)
    {
        Map<String, String> environment = TestingFerry.environment(servers);
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, System.nanoTime() & 0xffffff);
        PipelinePlugins assembled = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        context.setCopyFilter(this);
        PipelinePlugins plugins = new PipelinePlugins(assembled.config(), assembled.tableFilter(), Optional.of(this), assembled.verifier(),
                assembled.copyThrottlers(), assembled.replicationThrottlers(), assembled.stateStore());
        return new Ferry(plugins, context, metrics);
    }
}
