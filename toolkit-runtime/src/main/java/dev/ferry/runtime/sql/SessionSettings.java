package dev.ferry.runtime.sql;

/**
 * The session every ferry connection runs with, so that no value changes in transit: UTC for
 * TIMESTAMP, a SQL mode that accepts everything the source could store (zero and invalid dates,
 * id 0) but fails instead of truncating, and raw bytes in results. The server's
 * NO_BACKSLASH_ESCAPES setting is kept, because the JDBC driver escapes by it as read at connect.
 */
public final class SessionSettings
{
    private SessionSettings() {}

    /**
     * The statement run on every new connection.
     *
     * @param rawResults whether results come back as raw stored bytes ({@code character_set_results=binary})
     * @param foreignKeyChecks whether to keep {@code foreign_key_checks} on
     */
    public static String initSql(boolean rawResults, boolean foreignKeyChecks)
    {
        return initSql(rawResults, foreignKeyChecks, "");
    }

    /**
     * The statement run on every new connection.
     *
     * @param rawResults whether results come back as raw stored bytes ({@code character_set_results=binary})
     * @param foreignKeyChecks whether to keep {@code foreign_key_checks} on
     * @param extra more {@code name = value} assignments (comma-separated), or empty
     */
    public static String initSql(boolean rawResults, boolean foreignKeyChecks, String extra)
    {
        StringBuilder sql = new StringBuilder("SET time_zone = '+00:00', sql_mode = CONCAT_WS(',', "
                + "IF(FIND_IN_SET('NO_BACKSLASH_ESCAPES', @@SESSION.sql_mode) > 0, 'NO_BACKSLASH_ESCAPES', NULL), "
                + "'STRICT_ALL_TABLES', 'ALLOW_INVALID_DATES', 'NO_AUTO_VALUE_ON_ZERO', 'NO_ENGINE_SUBSTITUTION'), "
                + "group_concat_max_len = 1073741824");
        if (rawResults) {
            sql.append(", character_set_results = binary");
        }
        if (!foreignKeyChecks) {
            sql.append(", foreign_key_checks = 0");
        }
        if (!extra.isEmpty()) {
            sql.append(", ").append(extra);
        }
        return sql.toString();
    }
}
