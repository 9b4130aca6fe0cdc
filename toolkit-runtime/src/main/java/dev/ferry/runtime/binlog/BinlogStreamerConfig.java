package dev.ferry.runtime.binlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link BinlogStreamer} connects to the source.
 *
 * @param host source host
 * @param port source port
 * @param user a user with REPLICATION SLAVE (REPLICATION REPLICA) and REPLICATION CLIENT
 *        (BINLOG MONITOR on MariaDB)
 * @param password never logged, never part of an exception or {@link #toString()}
 * @param serverId the replica server id the binlog connection uses, unique among the source's
 *        replicas; 0 picks a random one in [1000000000, 2000000000)
 * @param readRetries how many times a lost connection is retried before giving up; 0 gives up at
 *        the first loss
 * @param retryBackoff the wait before the first retry, doubled for each further one (at most 64
 *        times this)
 * @param heartbeatInterval how often the server sends a heartbeat when idle; a connection silent
 *        for three intervals counts as lost. Zero disables heartbeats (a dead connection may then
 *        go unnoticed)
 * @param connectTimeout limit for opening and setting up a connection
 * @param skipRowImageCheck skip the {@code binlog_row_image=FULL} check at start (an image that
 *        lacks a column still fails decoding)
 * @param role what the stream is for: the source's changes to apply, or the target's to watch
 */
public record BinlogStreamerConfig(
        String host,
        int port,
        String user,
        String password,
        long serverId,
        int readRetries,
        Duration retryBackoff,
        Duration heartbeatInterval,
        Duration connectTimeout,
        boolean skipRowImageCheck,
        Role role)
{
    /**
     * What a stream is for.
     */
    public enum Role
    {
        /**
         * The source's binlog, applied to the target: every row of an accepted table must decode
         * against its schema, or streaming stops.
         */
        SOURCE("source"),
        /**
         * The target's binlog, watched for writes by others: the server is asked for the statement
         * text of row events (MariaDB's {@code Annotate_rows}; MySQL's {@code Rows_query} come
         * unasked), which the listener hears before the rows, and rows that do not decode against
         * the schema are reported to the listener instead of stopping the stream.
         */
        TARGET_WATCH("target");

        private final String server;

        Role(String server)
        {
            this.server = server;
        }

        /**
         * The server's name in messages: {@code source} or {@code target}.
         */
        public String server()
        {
            return server;
        }
    }

    /**
     * A config of a {@link Role#SOURCE} stream.
     */
    public BinlogStreamerConfig(String host, int port, String user, String password, long serverId, int readRetries, Duration retryBackoff,
            Duration heartbeatInterval, Duration connectTimeout, boolean skipRowImageCheck)
    {
        this(host, port, user, password, serverId, readRetries, retryBackoff, heartbeatInterval, connectTimeout, skipRowImageCheck, Role.SOURCE);
    }

    public static final int DEFAULT_READ_RETRIES = 5;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Validates everything and reports every problem at once.
     *
     * @throws IllegalArgumentException naming each invalid field, its value and the rule
     */
    public BinlogStreamerConfig
    {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            problems.add("port must be between 1 and 65535 (got " + port + ")");
        }
        if (user == null || user.isEmpty()) {
            problems.add("user must not be empty");
        }
        if (password == null) {
            problems.add("password must not be null (use an empty string for none)");
        }
        if (serverId < 0 || serverId > 0xFFFFFFFFL) {
            problems.add("serverId must be between 0 and 4294967295 (got " + serverId + ")");
        }
        if (readRetries < 0) {
            problems.add("readRetries must be at least 0 (got " + readRetries + ")");
        }
        if (retryBackoff == null || retryBackoff.isNegative() || retryBackoff.isZero()) {
            problems.add("retryBackoff must be positive (got " + retryBackoff + ")");
        }
        if (heartbeatInterval == null || heartbeatInterval.isNegative() || heartbeatInterval.compareTo(Duration.ofSeconds(4294967)) > 0) {
            problems.add("heartbeatInterval must be between 0 and 4294967 seconds (got " + heartbeatInterval + ")");
        }
        else if (!heartbeatInterval.isZero() && heartbeatInterval.toMillis() < 1) {
            problems.add("heartbeatInterval must be 0 or at least 1 millisecond (got " + heartbeatInterval + ")");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero() || connectTimeout.toMillis() > Integer.MAX_VALUE) {
            problems.add("connectTimeout must be positive (got " + connectTimeout + ")");
        }
        if (role == null) {
            problems.add("role must not be null");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid binlog streamer config: " + String.join("; ", problems));
        }
    }

    /**
     * The defaults: random server id, {@value #DEFAULT_READ_RETRIES} retries from 1 s backoff,
     * 5 s heartbeats, 10 s connect timeout, row image checked.
     */
    public static BinlogStreamerConfig defaults(String host, int port, String user, String password)
    {
        return new BinlogStreamerConfig(host, port, user, password, 0, DEFAULT_READ_RETRIES, DEFAULT_RETRY_BACKOFF,
                DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_CONNECT_TIMEOUT, false);
    }

    public BinlogStreamerConfig withServerId(long serverId)
    {
        return new BinlogStreamerConfig(host, port, user, password, serverId, readRetries, retryBackoff, heartbeatInterval, connectTimeout, skipRowImageCheck, role);
    }

    public BinlogStreamerConfig withRetries(int readRetries, Duration retryBackoff)
    {
        return new BinlogStreamerConfig(host, port, user, password, serverId, readRetries, retryBackoff, heartbeatInterval, connectTimeout, skipRowImageCheck, role);
    }

    public BinlogStreamerConfig withHeartbeatInterval(Duration heartbeatInterval)
    {
        return new BinlogStreamerConfig(host, port, user, password, serverId, readRetries, retryBackoff, heartbeatInterval, connectTimeout, skipRowImageCheck, role);
    }

    public BinlogStreamerConfig withSkipRowImageCheck(boolean skipRowImageCheck)
    {
        return new BinlogStreamerConfig(host, port, user, password, serverId, readRetries, retryBackoff, heartbeatInterval, connectTimeout, skipRowImageCheck, role);
    }

    public BinlogStreamerConfig withRole(Role role)
    {
        return new BinlogStreamerConfig(host, port, user, password, serverId, readRetries, retryBackoff, heartbeatInterval, connectTimeout, skipRowImageCheck, role);
    }

    @Override
    public String toString()
    {
        return "BinlogStreamerConfig[host=" + host + ", port=" + port + ", user=" + user + ", password=***, serverId=" + serverId
                + ", readRetries=" + readRetries + ", retryBackoff=" + retryBackoff + ", heartbeatInterval=" + heartbeatInterval
                + ", connectTimeout=" + connectTimeout + ", skipRowImageCheck=" + skipRowImageCheck + ", role=" + role + "]";
    }
}
