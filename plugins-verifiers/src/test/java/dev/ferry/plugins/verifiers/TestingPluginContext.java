package dev.ferry.plugins.verifiers;

import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.TestDatabase;

import javax.sql.DataSource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Engine services for verifier tests: the unprivileged ferry user on both servers with ferry's
 * session settings, the tables of one test database as loaded by the runtime's schema loader,
 * identity rewrites and an optional copy filter.
 */
final class TestingPluginContext
        implements PluginContext
{
    private final DataSource source;
    private final DataSource target;
    private final String database;
    private final Optional<CopyFilter> copyFilter;
    private final TestingMetrics metrics = new TestingMetrics();
    private volatile Map<TableName, TableSchema> tables = Map.of();

    private TestingPluginContext(DataSource source, DataSource target, String database, Optional<CopyFilter> copyFilter)
    {
        this.source = source;
        this.target = target;
        this.database = database;
        this.copyFilter = copyFilter;
    }

    /**
     * A context without servers, as during {@code ferry validate}.
     */
    static TestingPluginContext offline(Optional<CopyFilter> copyFilter)
    {
        DataSource unusable = new SimpleDataSource(null, null, null);
        return new TestingPluginContext(unusable, unusable, null, copyFilter);
    }

    /**
     * A context on the test database's servers with its tables loaded.
     */
    static TestingPluginContext connect(TestDatabase db, Optional<CopyFilter> copyFilter)
            throws SQLException
    {
        TestingPluginContext context = new TestingPluginContext(dataSource(db.source(), db.name()), dataSource(db.target(), db.name()), db.name(), copyFilter);
        context.reload();
        return context;
    }

    /**
     * Reloads the table schemas from the source, as the runtime does after DDL.
     */
    void reload()
            throws SQLException
    {
        SchemaLoader loader = new SchemaLoader(source);
        Map<TableName, TableSchema> loaded = new java.util.TreeMap<>();
        for (TableName table : loader.tables(database)) {
            loader.load(table).ifPresent(schema -> loaded.put(table, schema));
        }
        tables = loaded;
    }

    TestingMetrics testingMetrics()
    {
        return metrics;
    }

    private static DataSource dataSource(MySqlServer server, String database)
    {
        return new SimpleDataSource(server.jdbcUrl(database), server.user(), server.password());
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
        return sourceTable;
    }

    @Override
    public Optional<CopyFilter> copyFilter()
    {
        return copyFilter;
    }

    @Override
    public Metrics metrics()
    {
        return metrics;
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

    static final class TestingMetrics
            implements Metrics
    {
        private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
        private final Map<String, double[]> gauges = new ConcurrentHashMap<>();

        @Override
        public Counter counter(String name, String help)
        {
            AtomicLong value = counters.computeIfAbsent(name, ignored -> new AtomicLong());
            return new Counter()
            {
                @Override
                public void add(long delta)
                {
                    value.addAndGet(delta);
                }

                @Override
                public long value()
                {
                    return value.get();
                }
            };
        }

        @Override
        public Gauge gauge(String name, String help)
        {
            double[] value = gauges.computeIfAbsent(name, ignored -> new double[1]);
            return new Gauge()
            {
                @Override
                public void set(double newValue)
                {
                    value[0] = newValue;
                }

                @Override
                public double value()
                {
                    return value[0];
                }
            };
        }

        long counterValue(String name)
        {
            AtomicLong value = counters.get(name);
            return value == null ? 0 : value.get();
        }
    }

    /**
     * A new connection per call with ferry's session settings: UTC and raw result bytes.
     */
    static final class SimpleDataSource
            implements DataSource
    {
        private final String url;
        private final String user;
        private final String password;

        SimpleDataSource(String url, String user, String password)
        {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection()
                throws SQLException
        {
            if (url == null) {
                throw new IllegalStateException("no database is connected");
            }
            Connection connection = DriverManager.getConnection(url, user, password);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET time_zone = '+00:00', character_set_results = binary");
            }
            return connection;
        }

        @Override
        public Connection getConnection(String username, String password)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter()
        {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out)
        {
        }

        @Override
        public void setLoginTimeout(int seconds)
        {
        }

        @Override
        public int getLoginTimeout()
        {
            return 0;
        }

        @Override
        public Logger getParentLogger()
                throws SQLFeatureNotSupportedException
        {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type)
                throws SQLException
        {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type)
        {
            return false;
        }
    }
}
