package dev.ferry.testing.spi;

import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import javax.sql.DataSource;

import java.text.MessageFormat;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Engine services for plugin tests. By default it looks like ferry's during {@code ferry validate}:
 * data sources that throw {@link IllegalStateException}, no tables, identity rewrites, no copy
 * filter; the builder adds what a test needs. Its loggers record every message (see
 * {@link #logged()}) and its metrics are a {@link TestingMetrics}. Thread-safe.
 */
public final class TestingPluginContext
        implements PluginContext
{
    private final DataSource source;
    private final DataSource target;
    private final Map<TableName, TableSchema> tables;
    private final Function<TableName, TableName> targetNames;
    private final Optional<CopyFilter> copyFilter;
    private final Clock clock;
    private final Metrics metrics;
    private final String ferryVersion;
    private final long runId;
    private final List<String> logged = new CopyOnWriteArrayList<>();

    private TestingPluginContext(Builder builder)
    {
        this.source = builder.source;
        this.target = builder.target;
        this.tables = builder.tables;
        this.targetNames = builder.targetNames;
        this.copyFilter = builder.copyFilter;
        this.clock = builder.clock;
        this.metrics = builder.metrics;
        this.ferryVersion = builder.ferryVersion;
        this.runId = builder.runId;
    }

    /**
     * A context without databases, tables or copy filter, as during {@code ferry validate}.
     */
    public static TestingPluginContext offline()
    {
        return builder().build();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Everything the plugin logged, as {@code LEVEL message}, in order.
     */
    public List<String> logged()
    {
        return List.copyOf(logged);
    }

    /**
     * The metrics as a {@link TestingMetrics}, for assertions.
     *
     * @throws IllegalStateException when the builder was given other metrics
     */
    public TestingMetrics testingMetrics()
    {
        if (!(metrics instanceof TestingMetrics testing)) {
            throw new IllegalStateException("this context's metrics are " + metrics.getClass().getName() + ", not TestingMetrics");
        }
        return testing;
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
        return Optional.ofNullable(tables.get(table));
    }

    @Override
    public Collection<TableSchema> sourceTables()
    {
        return new ArrayList<>(tables.values());
    }

    @Override
    public TableName targetName(TableName sourceTable)
    {
        return targetNames.apply(sourceTable);
    }

    @Override
    public Optional<CopyFilter> copyFilter()
    {
        return copyFilter;
    }

    @Override
    public Clock clock()
    {
        return clock;
    }

    @Override
    public Metrics metrics()
    {
        return metrics;
    }

    @Override
    public System.Logger logger(Class<?> type)
    {
        return new RecordingLogger(type.getName(), logged);
    }

    @Override
    public String ferryVersion()
    {
        return ferryVersion;
    }

    @Override
    public long runId()
    {
        return runId;
    }

    public static final class Builder
    {
        private DataSource source = TestingDataSource.unconnected();
        private DataSource target = TestingDataSource.unconnected();
        private final Map<TableName, TableSchema> tables = new LinkedHashMap<>();
        private Function<TableName, TableName> targetNames = Function.identity();
        private Optional<CopyFilter> copyFilter = Optional.empty();
        private Clock clock = Clock.systemUTC();
        private Metrics metrics;
        private String ferryVersion = "0.1.0-test";
        private long runId = 4242;

        private Builder() {}

        public Builder source(DataSource source)
        {
            this.source = requireNonNull(source, "source is null");
            return this;
        }

        public Builder target(DataSource target)
        {
            this.target = requireNonNull(target, "target is null");
            return this;
        }

        /**
         * Source tables the table filter accepted, in the order {@link #sourceTables()} returns them.
         */
        public Builder tables(TableSchema... tables)
        {
            return tables(List.of(tables));
        }

        public Builder tables(Collection<TableSchema> tables)
        {
            for (TableSchema table : tables) {
                this.tables.put(table.name(), table);
            }
            return this;
        }

        /**
         * How source names map to target names (database and table rewrites); identity by default.
         */
        public Builder targetNames(Function<TableName, TableName> targetNames)
        {
            this.targetNames = requireNonNull(targetNames, "targetNames is null");
            return this;
        }

        public Builder copyFilter(CopyFilter copyFilter)
        {
            return copyFilter(Optional.of(copyFilter));
        }

        public Builder copyFilter(Optional<CopyFilter> copyFilter)
        {
            this.copyFilter = requireNonNull(copyFilter, "copyFilter is null");
            return this;
        }

        public Builder clock(Clock clock)
        {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        /**
         * Other metrics than a new {@link TestingMetrics}.
         */
        public Builder metrics(Metrics metrics)
        {
            this.metrics = requireNonNull(metrics, "metrics is null");
            return this;
        }

        public Builder ferryVersion(String ferryVersion)
        {
            this.ferryVersion = requireNonNull(ferryVersion, "ferryVersion is null");
            return this;
        }

        public Builder runId(long runId)
        {
            this.runId = runId;
            return this;
        }

        public TestingPluginContext build()
        {
            Builder copy = new Builder();
            copy.source = source;
            copy.target = target;
            copy.tables.putAll(tables);
            copy.targetNames = targetNames;
            copy.copyFilter = copyFilter;
            copy.clock = clock;
            copy.metrics = metrics == null ? new TestingMetrics() : metrics;
            copy.ferryVersion = ferryVersion;
            copy.runId = runId;
            return new TestingPluginContext(copy);
        }
    }

    private static final class RecordingLogger
            implements System.Logger
    {
        private final String name;
        private final List<String> logged;

        RecordingLogger(String name, List<String> logged)
        {
            this.name = name;
            this.logged = logged;
        }

        @Override
        public String getName()
        {
            return name;
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
    }
}
