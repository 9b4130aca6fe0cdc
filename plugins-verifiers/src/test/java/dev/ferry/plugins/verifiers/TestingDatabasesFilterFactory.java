package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.filter.TableFilterFactory;
import dev.ferry.api.model.TableName;

import java.util.List;

/**
 * A table filter taking whole databases, for the verifier ITs that run ferry end to end (the
 * built-in filters live in a module that depends on this one for its tests).
 */
public final class TestingDatabasesFilterFactory
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
                return databases.contains(table.database());
            }
        };
    }
}
