package dev.ferry.testing.spi;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.filter.TableFilterFactory;
import dev.ferry.api.model.TableName;

import java.util.List;

/**
 * {@code tableFilter.type: testing-databases}: whole databases ({@code databases}) except the
 * tables in {@code excludeTables} ({@code db.table}). For tests that run ferry in-process in
 * modules that cannot see the built-in filters; register it in the test's
 * {@code META-INF/services/dev.ferry.api.filter.TableFilterFactory}.
 */
public final class TestingTableFilterFactory
        implements TableFilterFactory
{
    @Override
    public String name()
    {
        return "testing-databases";
    }

    @Override
    public TableFilter create(PluginConfig config, PluginContext context)
    {
        List<String> databases = config.stringList("databases");
        List<String> excludeTables = config.stringList("excludeTables");
        return new TableFilter()
        {
            @Override
            public boolean acceptsDatabase(String database)
            {
                return databases.contains(database);
            }

            @Override
            public boolean acceptsTable(TableName table)
            {
                return acceptsDatabase(table.database()) && !excludeTables.contains(table.toString());
            }
        };
    }
}
