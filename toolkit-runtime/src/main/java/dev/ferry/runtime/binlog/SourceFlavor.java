package dev.ferry.runtime.binlog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The server family of a source, which decides GTID formats and some statements.
 */
public enum SourceFlavor
{
    MYSQL,
    MARIADB;

    /**
     * Detects the flavor from {@code SELECT VERSION()}: MariaDB says so in its version string.
     */
    public static SourceFlavor detect(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT VERSION()")) {
            result.next();
            return of(result.getString(1));
        }
    }

    static SourceFlavor of(String version)
    {
        return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
    }
}
