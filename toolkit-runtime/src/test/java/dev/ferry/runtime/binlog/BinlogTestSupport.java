package dev.ferry.runtime.binlog;

import dev.ferry.api.model.BinlogPosition;
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
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Shared pieces of the binlog ITs.
 */
final class BinlogTestSupport
{
    private BinlogTestSupport() {}

    static BinlogStreamerConfig config(MySqlServer server)
    {
        return BinlogStreamerConfig.defaults(server.host(), server.port(), server.user(), server.password())
                .withHeartbeatInterval(Duration.ofSeconds(1))
                .withRetries(5, Duration.ofMillis(100));
    }

    static BinlogPosition currentPosition(MySqlServer server)
            throws SQLException
    {
        try (Connection connection = server.open()) {
            return SourceServer.currentPosition(connection);
        }
    }

    /**
     * Table schemas loaded once from the source, as the ferry user.
     */
    static Function<TableName, Optional<TableSchema>> schemas(TestDatabase database)
    {
        SchemaLoader loader = new SchemaLoader(dataSource(database.source()));
        Map<TableName, Optional<TableSchema>> cache = new ConcurrentHashMap<>();
        return name -> cache.computeIfAbsent(name, key -> {
            try {
                return loader.load(key);
            }
            catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static DataSource dataSource(MySqlServer server)
    {
        return new DataSource()
        {
            @Override
            public Connection getConnection()
                    throws SQLException
            {
                return server.open();
            }

            @Override
            public Connection getConnection(String username, String password)
                    throws SQLException
            {
                return DriverManager.getConnection(server.jdbcUrl(""), username, password);
            }

            @Override
            public PrintWriter getLogWriter()
            {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {}

            @Override
            public void setLoginTimeout(int seconds) {}

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
        };
    }

    /**
     * Kills this streamer's connection, found in SHOW PROCESSLIST by its Binlog Dump command.
     */
    static void killBinlogDump(MySqlServer server, BinlogStreamer streamer)
            throws Exception
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection admin = server.openAdmin(); Statement statement = admin.createStatement()) {
            while (System.nanoTime() < deadline) {
                long id = streamer.connectionId();
                try (ResultSet processes = statement.executeQuery("SHOW PROCESSLIST")) {
                    while (processes.next()) {
                        if (processes.getLong("Id") == id && "Binlog Dump".equals(processes.getString("Command"))) {
                            try (Statement kill = admin.createStatement()) {
                                kill.execute("KILL " + id);
                            }
                            return;
                        }
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no Binlog Dump thread of the streamer found");
    }

}
