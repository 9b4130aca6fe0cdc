package dev.ferry.plugins.filters;

import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import javax.sql.DataSource;

import java.text.MessageFormat;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Engine services for tests: no servers (as during {@code ferry validate}) or a real source, the
 * given source tables, and a logger that records what plugins log.
 */
final class TestingPluginContext
        implements PluginContext
{
    private final Map<TableName, TableSchema> tables = new ConcurrentHashMap<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final DataSource source;

    TestingPluginContext(TableSchema... tables)
    {
        this(null, List.of(tables));
    }

    /**
     * A context whose source is a real server.
     */
    TestingPluginContext(DataSource source, List<TableSchema> tables)
    {
        this.source = source;
        for (TableSchema table : tables) {
            this.tables.put(table.name(), table);
        }
    }

    /**
     * Everything logged, as {@code LEVEL message}.
     */
    List<String> logged()
    {
        return logged;
    }

    @Override
    public DataSource source()
    {
        if (source == null) {
            throw new IllegalStateException("no source in unit tests");
        }
        return source;
    }

    @Override
    public DataSource target()
    {
        throw new IllegalStateException("no target in unit tests");
    }

    @Override
    public Optional<TableSchema> sourceTable(TableName table)
    {
        return Optional.ofNullable(tables.get(table));
    }

    @Override
    public Collection<TableSchema> sourceTables()
    {
        return tables.values();
    }

    @Override
    public TableName targetName(TableName sourceTable)
    {
        return sourceTable;
    }

    @Override
    public Metrics metrics()
    {
        throw new UnsupportedOperationException("filters use no metrics");
    }

    @Override
    public System.Logger logger(Class<?> type)
    {
        return new System.Logger()
        {
            @Override
            public String getName()
            {
                return type.getName();
            }

            @Override
            public boolean isLoggable(Level level)
            {
                return true;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String message, Throwable thrown)
            {
                logged.add(level + " " + message);
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params)
            {
                logged.add(level + " " + (params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
            }
        };
    }

    @Override
    public String ferryVersion()
    {
        return "0.1.0-test";
    }

    @Override
    public long runId()
    {
        return 4242;
    }
}
