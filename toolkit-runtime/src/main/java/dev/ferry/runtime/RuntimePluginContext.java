package dev.ferry.runtime;

import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.core.FerryVersion;
import dev.ferry.runtime.sql.ResultRows;

import javax.sql.DataSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * The {@link PluginContext} the runtime hands to plugins. Data sources and tables are attached
 * once the run connects; during validation they are absent and using them is an error.
 */
public final class RuntimePluginContext
        implements PluginContext
{
    private final RewritesConfig rewrites;
    private final RuntimeMetrics metrics;
    private final long runId;
    private final AtomicReference<DataSource> source = new AtomicReference<>();
    private final AtomicReference<DataSource> target = new AtomicReference<>();
    private final Map<TableName, TableSchema> tables = new ConcurrentHashMap<>();
    private final AtomicReference<CopyFilter> copyFilter = new AtomicReference<>();

    public RuntimePluginContext(RewritesConfig rewrites, RuntimeMetrics metrics, long runId)
    {
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.runId = runId;
    }

    public void attach(DataSource source, DataSource target)
    {
        this.source.set(requireNonNull(source, "source is null"));
        this.target.set(requireNonNull(target, "target is null"));
    }

    public void setTables(Collection<TableSchema> schemas)
    {
        tables.clear();
        for (TableSchema schema : schemas) {
            tables.put(schema.name(), schema);
        }
    }

    public void putTable(TableSchema schema)
    {
        tables.put(schema.name(), schema);
    }

    public void removeTable(TableName table)
    {
        tables.remove(table);
    }

    public void setCopyFilter(CopyFilter filter)
    {
        copyFilter.set(filter);
    }

    @Override
    public DataSource source()
    {
        return connected(source.get(), "source");
    }

    @Override
    public DataSource target()
    {
        return connected(target.get(), "target");
    }

    @Override
    public Optional<TableSchema> sourceTable(TableName table)
    {
        return Optional.ofNullable(tables.get(table));
    }

    @Override
    public Collection<TableSchema> sourceTables()
    {
        return List.copyOf(tables.values());
    }

    @Override
    public TableName targetName(TableName sourceTable)
    {
        return rewrites.apply(sourceTable);
    }

    @Override
    public Optional<CopyFilter> copyFilter()
    {
        return Optional.ofNullable(copyFilter.get());
    }

    @Override
    public Metrics metrics()
    {
        return metrics;
    }

    @Override
    public String ferryVersion()
    {
        return FerryVersion.get();
    }

    @Override
    public long runId()
    {
        return runId;
    }

    @Override
    public long readRows(ResultSet result, int columns, List<Row> rows)
            throws SQLException
    {
        return ResultRows.readAll(result, columns, rows);
    }

    private static DataSource connected(DataSource dataSource, String name)
    {
        if (dataSource == null) {
            throw new IllegalStateException("the " + name + " database is not connected yet: plugins may use it only from their lifecycle methods, not from create()");
        }
        return dataSource;
    }
}
