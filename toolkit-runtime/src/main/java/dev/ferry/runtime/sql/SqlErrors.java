package dev.ferry.runtime.sql;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Classifies SQL errors into those worth retrying and the rest.
 */
public final class SqlErrors
{
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;
    private static final int ER_QUERY_INTERRUPTED = 1317;
    private static final int ER_CONNECTION_KILLED = 1927;
    private static final int ER_SERVER_SHUTDOWN = 1053;
    private static final int ER_CLIENT_INTERACTION_TIMEOUT = 4031;

    private SqlErrors() {}

    /**
     * Whether retrying the same work may succeed: deadlocks, lock wait timeouts, and lost or
     * killed connections.
     */
    public static boolean isRetryable(SQLException e)
    {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLRecoverableException || cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                int code = sql.getErrorCode();
                if (code == ER_LOCK_WAIT_TIMEOUT || code == ER_LOCK_DEADLOCK || code == ER_QUERY_INTERRUPTED
                        || code == ER_CONNECTION_KILLED || code == ER_SERVER_SHUTDOWN || code == ER_CLIENT_INTERACTION_TIMEOUT) {
                    return true;
                }
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("40001"))) {
                    return true;
                }
            }
            if (cause.getClass().getName().endsWith("CommunicationsException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code [1213/40001] Deadlock found...}, for messages.
     */
    public static String describe(SQLException e)
    {
        if (e.getErrorCode() == 0 && e.getSQLState() == null) {
            // raised by ferry itself, not by a server
            return e.getMessage();
        }
        return "[" + e.getErrorCode() + "/" + e.getSQLState() + "] " + e.getMessage();
    }
}
