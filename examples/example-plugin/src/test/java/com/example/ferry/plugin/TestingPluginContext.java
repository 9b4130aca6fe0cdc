package com.example.ferry.plugin;

import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import javax.sql.DataSource;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A {@link PluginContext} with a chosen clock and no databases, like ferry's during validation.
 */
final class TestingPluginContext
        implements PluginContext
{
    private final Clock clock;

    TestingPluginContext(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Clock clock()
    {
        return clock;
    }

    @Override
    public DataSource source()
    {
        throw new IllegalStateException("no source database in this test");
    }

    @Override
    public DataSource target()
    {
        throw new IllegalStateException("no target database in this test");
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
        return 1;
    }
}
