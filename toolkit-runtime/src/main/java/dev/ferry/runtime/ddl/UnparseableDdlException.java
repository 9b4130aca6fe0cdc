package dev.ferry.runtime.ddl;

import static java.util.Objects.requireNonNull;

/**
 * A DDL statement ferry cannot classify, or cannot print back faithfully with new names. The
 * message holds the statement (at most {@value #MAX_SQL_LENGTH} characters) and the reason; the
 * caller adds the binlog position.
 */
public class UnparseableDdlException
        extends RuntimeException
{
    static final int MAX_SQL_LENGTH = 500;

    private final String sql;
    private final String reason;

    public UnparseableDdlException(String sql, String reason)
    {
        this(sql, reason, null);
    }

    public UnparseableDdlException(String sql, String reason, Throwable cause)
    {
        super("cannot handle DDL statement: " + reason + ": " + truncate(requireNonNull(sql, "sql is null")), cause);
        this.sql = sql;
        this.reason = requireNonNull(reason, "reason is null");
    }

    /**
     * The whole statement, untruncated.
     */
    public String sql()
    {
        return sql;
    }

    public String reason()
    {
        return reason;
    }

    static String truncate(String sql)
    {
        if (sql.length() <= MAX_SQL_LENGTH) {
            return sql;
        }
        return sql.substring(0, MAX_SQL_LENGTH) + "... (" + sql.length() + " characters)";
    }
}
