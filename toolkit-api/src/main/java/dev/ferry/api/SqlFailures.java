package dev.ferry.api;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One classification of SQL errors for every connection ferry and its plugins open (copy reads
 * and writes, the applier, the binlog reader, state stores, verifiers), and one retry delay: so a
 * server restart, a failover or a killed connection is survived the same way everywhere.
 */
public final class SqlFailures
{
    /**
     * What went wrong, as far as retrying is concerned.
     */
    public enum Kind
    {
        /** the connection broke: network, server restart, {@code KILL}, idle timeout */
        CONNECTION_LOST(true),
        /** the server is shutting down or starting */
        SERVER_GOING_AWAY(true),
        /** the server refuses writes for now ({@code read_only}, a failover in progress) */
        READ_ONLY(true),
        /** chosen as a deadlock victim */
        DEADLOCK(true),
        /** {@code innodb_lock_wait_timeout} passed */
        LOCK_WAIT_TIMEOUT(true),
        /** {@code max_connections} reached */
        TOO_MANY_CONNECTIONS(true),
        /** the statement was killed or interrupted */
        INTERRUPTED(true),
        /** anything else: the same statement would fail again */
        PERMANENT(false);

        private final boolean retryable;

        Kind(boolean retryable)
        {
            this.retryable = retryable;
        }

        public boolean retryable()
        {
            return retryable;
        }
    }

    private static final int ER_CON_COUNT_ERROR = 1040;
    private static final int ER_SERVER_SHUTDOWN = 1053;
    private static final int ER_NET_READ_ERROR = 1158;
    private static final int ER_NET_READ_INTERRUPTED = 1159;
    private static final int ER_NET_ERROR_ON_WRITE = 1160;
    private static final int ER_NET_WRITE_INTERRUPTED = 1161;
    private static final int ER_TOO_MANY_USER_CONNECTIONS = 1203;
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;
    // also other --options: only --read-only (the message says so) is worth waiting for
    private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;
    private static final int ER_QUERY_INTERRUPTED = 1317;
    private static final int ER_READ_ONLY_MODE = 1836;
    private static final int ER_CONNECTION_KILLED = 1927;
    private static final int ER_CLIENT_INTERACTION_TIMEOUT = 4031;
    private static final int CR_CONNECTION_ERROR = 2002;
    private static final int CR_CONN_HOST_ERROR = 2003;
    private static final int CR_SERVER_GONE_ERROR = 2006;
    private static final int CR_SERVER_LOST = 2013;
    private static final Duration LONGEST_DELAY = Duration.ofSeconds(30);

    private SqlFailures() {}

    /**
     * The kind of {@code e}, from it and its causes: server error codes first, then SQL states
     * ({@code 08xxx} connection, {@code 40001} serialization), then the driver's exception types.
     */
    public static Kind classify(SQLException e)
    {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                if (sql.getErrorCode() == ER_OPTION_PREVENTS_STATEMENT && sql.getMessage() != null && sql.getMessage().contains("read-only")) {
                    return Kind.READ_ONLY;
                }
                Kind kind = byCode(sql.getErrorCode(), sql.getSQLState());
                if (kind != Kind.PERMANENT) {
                    return kind;
                }
            }
            if (cause instanceof SQLRecoverableException || cause instanceof SQLTransientConnectionException
                    || cause.getClass().getName().endsWith("CommunicationsException")) {
                return Kind.CONNECTION_LOST;
            }
        }
        return Kind.PERMANENT;
    }

    private static Kind byCode(int code, String state)
    {
        switch (code) {
            case ER_LOCK_DEADLOCK:
                return Kind.DEADLOCK;
            case ER_LOCK_WAIT_TIMEOUT:
                return Kind.LOCK_WAIT_TIMEOUT;
            case ER_CON_COUNT_ERROR:
            case ER_TOO_MANY_USER_CONNECTIONS:
                return Kind.TOO_MANY_CONNECTIONS;
            case ER_SERVER_SHUTDOWN:
                return Kind.SERVER_GOING_AWAY;
            case ER_READ_ONLY_MODE:
                return Kind.READ_ONLY;
            case ER_QUERY_INTERRUPTED:
            case ER_CONNECTION_KILLED:
                return Kind.INTERRUPTED;
            case ER_NET_READ_ERROR:
            case ER_NET_READ_INTERRUPTED:
            case ER_NET_ERROR_ON_WRITE:
            case ER_NET_WRITE_INTERRUPTED:
            case ER_CLIENT_INTERACTION_TIMEOUT:
            case CR_CONNECTION_ERROR:
            case CR_CONN_HOST_ERROR:
            case CR_SERVER_GONE_ERROR:
            case CR_SERVER_LOST:
                return Kind.CONNECTION_LOST;
            default:
                break;
        }
        if (state != null && state.startsWith("08")) {
            return Kind.CONNECTION_LOST;
        }
        if ("40001".equals(state)) {
            return Kind.DEADLOCK;
        }
        return Kind.PERMANENT;
    }

    /**
     * Whether retrying the same work may succeed.
     */
    public static boolean isRetryable(SQLException e)
    {
        return classify(e).retryable();
    }

    /**
     * {@code [1213/40001] Deadlock found...}: the server's code and SQL state with the message;
     * just the message for errors ferry raised itself (no code, no state).
     */
    public static String describe(SQLException e)
    {
        if (e.getErrorCode() == 0 && e.getSQLState() == null) {
            return e.getMessage();
        }
        return "[" + e.getErrorCode() + "/" + e.getSQLState() + "] " + e.getMessage();
    }

    /**
     * How long to wait before retry {@code failures + 1}: {@code base} doubled per failure, at
     * most 30 s, then spread by ±25% so that many clients retrying at once (every copy worker
     * after a server restart) do not come back in the same millisecond.
     */
    public static Duration retryDelay(Duration base, int failures)
    {
        long millis = Math.max(1, base.toMillis());
        long doubled = millis << Math.min(Math.max(0, failures), 20);
        long capped = Math.min(doubled <= 0 ? Long.MAX_VALUE : doubled, LONGEST_DELAY.toMillis());
        double spread = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis(Math.max(1, Math.round(capped * spread)));
    }
}
