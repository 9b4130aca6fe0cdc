package dev.ferry.plugins.state;

import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import javax.sql.DataSource;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A {@link PluginContext} with a run id and, optionally, a target; like ferry's during validation
 * when there is none.
 */
final class TestingPluginContext
        implements PluginContext
{
    private final DataSource target;
    private final long runId;

    TestingPluginContext(DataSource target, long runId)
    {
        this.target = target;
        this.runId = runId;
    }

    static TestingPluginContext withoutDatabases()
    {
        return new TestingPluginContext(null, 1);
    }

    @Override
    public DataSource source()
    {
        throw new IllegalStateException("no source database in this test");
    }

    @Override
    public DataSource target()
    {
        if (target == null) {
            throw new IllegalStateException("no target database in this test");
        }
        return target;
    }

    @Override
    public Optional<TableSchema> sourceTable(TableName table)
    {
        return Optional.empty();
    }

    @Override
    public Collection<TableSchema> sourceTables()
    {
        return List.of();
    }

    @Override
    public TableName targetName(TableName sourceTable)
    {
        return sourceTable;
    }

    @Override
    public Metrics metrics()
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public String ferryVersion()
    {
        return "test";
    }

    @Override
    public long runId()
    {
        return runId;
    }
}
