package dev.ferry.runtime.binlog;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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
        SchemaLoader loader = new SchemaLoader(TestingDataSource.of(database.source(), ""));
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
