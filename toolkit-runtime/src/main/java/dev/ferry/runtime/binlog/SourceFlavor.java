package dev.ferry.runtime.binlog;

import java.util.Locale;

/**
 * The server family of a source, which decides GTID formats and some statements. Ask the server
 * with {@link SourceServer#flavor}.
 */
public enum SourceFlavor
{
    MYSQL,
    MARIADB;

    static SourceFlavor of(String version)
    {
        return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
    }
}
