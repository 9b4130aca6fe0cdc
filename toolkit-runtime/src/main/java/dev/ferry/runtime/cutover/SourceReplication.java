package dev.ferry.runtime.cutover;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.binlog.SourceFlavor;
import dev.ferry.runtime.binlog.SourceServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether the source is itself a replica, and how far it lags behind its primary.
 */
public final class SourceReplication
{
    private SourceReplication() {}

    /**
     * Whether the source replicates from a primary. MariaDB answers through the
     * {@code Slaves_running} status, which needs no privilege; MySQL through
     * {@code SHOW REPLICA STATUS}, which needs REPLICATION CLIENT.
     */
    public static boolean isReplica(Connection connection)
            throws SQLException
    {
        SourceFlavor flavor = SourceServer.flavor(connection);
        try (Statement statement = connection.createStatement()) {
            if (flavor == SourceFlavor.MARIADB) {
                try (ResultSet rows = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Slaves_running'")) {
                    return rows.next() && Long.parseLong(text(rows, 2)) > 0;
                }
            }
            try (ResultSet rows = statement.executeQuery("SHOW REPLICA STATUS")) {
                return rows.next();
            }
        }
    }

    /**
     * The source's lag behind its primary: from {@code lagQuery} (one row, one numeric column of
     * seconds) when given, else from {@code Seconds_Behind_Master}/{@code Seconds_Behind_Source}.
     * Empty when replication is not running (the lag is unknown).
     */
    public static Optional<Duration> lag(Connection connection, String lagQuery)
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            if (lagQuery != null) {
                try (ResultSet rows = statement.executeQuery(lagQuery)) {
                    if (!rows.next() || rows.getBytes(1) == null) {
                        return Optional.empty();
                    }
                    return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(text(rows, 1)) * 1000)));
                }
            }
            SourceFlavor flavor = SourceServer.flavor(connection);
            String sql = flavor == SourceFlavor.MARIADB ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS";
            try (ResultSet rows = statement.executeQuery(sql)) {
                if (!rows.next()) {
                    throw new FerryException("the source is not a replica any more; nothing to wait for");
                }
                String column = flavor == SourceFlavor.MARIADB ? "Seconds_Behind_Master" : "Seconds_Behind_Source";
                byte[] value = rows.getBytes(column);
                return value == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(new String(value, java.nio.charset.StandardCharsets.US_ASCII))));
            }
        }
    }

    private static String text(ResultSet rows, int column)
            throws SQLException
    {
        byte[] value = rows.getBytes(column);
        return value == null ? null : new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
