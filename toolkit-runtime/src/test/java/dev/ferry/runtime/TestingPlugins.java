package dev.ferry.runtime;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.filter.TableFilterFactory;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;

import java.util.List;

/**
 * Minimal plugins for the runtime's own tests (the built-ins live in modules that depend on the
 * runtime): a table filter taking whole databases, and a verifier that does nothing.
 */
public final class TestingPlugins
{
    private TestingPlugins() {}

    public static final class TestingTableFilterFactory
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
                public boolean acceptsTable(dev.ferry.api.model.TableName table)
                {
                    return acceptsDatabase(table.database()) && !excludeTables.contains(table.toString());
                }
            };
        }
    }

    public static final class TestingVerifierFactory
            implements VerifierFactory
    {
        @Override
        public String name()
        {
            return "none";
        }

        @Override
        public Verifier create(PluginConfig config, PluginContext context)
        {
            return () -> VerificationResult.notRun("testing: no verification");
        }
    }
}
