package dev.ferry.testing;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * The MySQL-family server a test runs against.
 */
public enum ServerFlavor
{
    MARIADB,
    MYSQL;

    /**
     * Parses the value of {@code FERRY_SERVER_FLAVOR} ({@code mariadb} or {@code mysql}, any case).
     */
    public static ServerFlavor parse(String value)
    {
        requireNonNull(value, "value is null");
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "mariadb" -> MARIADB;
            case "mysql" -> MYSQL;
            default -> throw new IllegalArgumentException("unknown server flavor \"" + value + "\"; available: mariadb, mysql");
        };
    }

    /**
     * The flavor a {@code SELECT VERSION()} string belongs to.
     */
    public static ServerFlavor fromVersion(String version)
    {
        requireNonNull(version, "version is null");
        return version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
    }
}
