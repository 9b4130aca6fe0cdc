package dev.ferry.plugins.throttlers;

import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.RuntimeMetrics;

import javax.sql.DataSource;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.Objects.requireNonNull;

/**
 * A {@link PluginContext} over given data sources whose loggers record what they log.
 */
final class TestingPluginContext
        implements PluginContext
{
    private final DataSource source;
    private final DataSource target;
    private final RuntimeMetrics metrics = new RuntimeMetrics();
    private final List<String> logged = new CopyOnWriteArrayList<>();

    TestingPluginContext(DataSource source, DataSource target)
    {
        this.source = requireNonNull(source, "source is null");
        this.target = requireNonNull(target, "target is null");
    }

    /**
     * What the plugins logged, as {@code LEVEL message}.
     */
    List<String> logged()
    {
        return List.copyOf(logged);
    }

    @Override
    public DataSource source()
    {
        return source;
    }

    @Override
    public DataSource target()
    {
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
        return metrics;
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
                logged.add(level + " " + (params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params)));
            }
        };
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
