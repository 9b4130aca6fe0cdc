package dev.ferry.runtime.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.network.AuthenticationException;
import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.ferry.api.FerryException;
import dev.ferry.api.SqlFailures;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Streams the source's binlog: the one owner of the {@link BinaryLogClient}. Reads from a
 * file/offset position; the {@link EventDispatcher} decodes the row events of accepted tables into
 * {@link RowEvent}s and passes statements on, and the {@link StreamPosition} tracks two positions
 * for every event (see {@link PositionPair}): restarting from {@code resume} never re-reads half a
 * transaction nor skips one. The queries about the source itself are in {@link SourceServer}.
 *
 * <p>Positioning is by file and offset on both MySQL and MariaDB, never by GTID: the offset of a
 * transaction's first event is exact on both, works with GTIDs off, and a restart needs nothing
 * but the last resume position. The executed GTID set is tracked along the way and carried in
 * every position for operators and cutover.
 *
 * <p>A lost connection is reopened at the resume position with exponential backoff; events that
 * were already handed on before the loss are read again but not delivered again, so the listener
 * sees each event exactly once. Heartbeats and a socket read timeout of three heartbeat intervals
 * notice dead connections.
 *
 * <p>Threading: the listener is called on the streamer's own thread, in binlog order.
 * {@link #start} and {@link #stop} may be called from any thread; {@link #stop} also from inside a
 * listener call.
 *
 * <p>Both flavors are handled; only MariaDB (10.11) ran against a real server. The MySQL-only paths
 * (GTID, ANONYMOUS_GTID and PREVIOUS_GTIDS events, binary JSON, XA_PREPARE, {@code SHOW BINARY LOG
 * STATUS}, {@code Executed_Gtid_Set}) are covered by unit tests with hand-made events and a fake
 * connection only.
 */
public final class BinlogStreamer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(BinlogStreamer.class);

    private static final long RANDOM_SERVER_ID_LOW = 1_000_000_000L;
    private static final long RANDOM_SERVER_ID_HIGH = 2_000_000_000L;
    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
    private static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;

    private final BinlogStreamerConfig config;
    private final BinlogListener listener;
    private final long serverId;
    private final StreamPosition position = new StreamPosition();
    private final EventDispatcher dispatcher;
    private final AtomicLong connections = new AtomicLong();
    private final Object lifecycleLock = new Object();
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    private volatile boolean started;
    private volatile boolean stopped;
    private volatile BinaryLogClient client;
    private volatile Thread thread;
    private volatile PositionPair lastPosition;
    private volatile boolean reconnectRequested;

    // touched only on the streamer thread
    private Throwable fatal;
    private Exception connectionError;

    public BinlogStreamer(BinlogStreamerConfig config, Function<TableName, Optional<TableSchema>> schemas, Predicate<TableName> acceptedTables, BinlogListener listener)
    {
        this.config = requireNonNull(config, "config is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.dispatcher = new EventDispatcher(schemas, acceptedTables, listener, position, config.role());
        this.serverId = config.serverId() != 0 ? config.serverId() : ThreadLocalRandom.current().nextLong(RANDOM_SERVER_ID_LOW, RANDOM_SERVER_ID_HIGH);
    }

    /**
     * Checks the source, then streams from {@code from} (a resume position: a transaction
     * boundary) on a new thread. Returns once the checks passed.
     *
     * @throws FerryException when the source is unsuitable (binlog format, row image, unsupported
     *         compression) or cannot be reached; the message says what to change
     * @throws IllegalStateException when called twice
     */
    public void start(BinlogPosition from)
    {
        start(from, from);
    }

    /**
     * Like {@link #start(BinlogPosition)}, for a resume in the middle of a transaction: the
     * events from {@code from} up to {@code handedOn} (in the same file) were handed on by an
     * earlier run and are read but not handed on again.
     */
    public void start(BinlogPosition from, BinlogPosition handedOn)
    {
        requireNonNull(from, "from is null");
        requireNonNull(handedOn, "handedOn is null");
        synchronized (lifecycleLock) {
            if (started) {
                throw new IllegalStateException("binlog streamer already started");
            }
            started = true;
        }
        String startGtids = from.gtidSet();
        SourceFlavor flavor;
        try (Connection connection = openConnection()) {
            flavor = SourceServer.flavor(connection);
            List<String> problems = SourceServer.binlogProblems(connection, config.skipRowImageCheck());
            if (!problems.isEmpty()) {
                throw new FerryException("the " + config.role().server() + " binlog is not usable: " + String.join("; ", problems));
            }
            if (startGtids == null && flavor == SourceFlavor.MARIADB) {
                startGtids = SourceServer.mariaDbGtidPosition(connection, from.file(), from.offset());
            }
        }
        catch (SQLException e) {
            stopped = true;
            throw new FerryException("cannot check the binlog settings of " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            stopped = true;
            throw e;
        }
        position.start(flavor, from, startGtids);
        if (handedOn.file().equals(from.file()) && handedOn.offset() > from.offset()) {
            position.handedOnUntil(handedOn.offset());
            log.info("the events from {} to {} were applied before: read again, not applied again", from, handedOn);
        }
        lastPosition = position.currentPair();
        Thread streamer = new Thread(this::run, (config.role() == BinlogStreamerConfig.Role.SOURCE ? "ferry-binlog-" : "ferry-target-watch-")
                + config.host() + ":" + config.port());
        streamer.setDaemon(true);
        synchronized (lifecycleLock) {
            if (stopped) {
                return;
            }
            thread = streamer;
            streamer.start();
        }
    }

    /**
     * Stops streaming: closes the connection and waits (up to 10 s) for the streamer thread to
     * end, unless called on that thread. No listener method is called after this returns (or, when
     * called from a listener method, after that method returns). Idempotent.
     */
    public void stop()
    {
        BinaryLogClient current;
        synchronized (lifecycleLock) {
            stopped = true;
            current = client;
        }
        stopSignal.countDown();
        disconnect(current);
        Thread streamer = thread;
        if (streamer != null && streamer != Thread.currentThread()) {
            try {
                streamer.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close()
    {
        stop();
    }

    /**
     * Drops the current connection so that the streamer opens a new one from the resume
     * position, as after a lost connection: for a caller that waits for the stream to reach a
     * position and sees it stand still although the server is ahead (a connection that stays
     * open and delivers nothing, such as one behind a half-closed proxy). Any thread.
     */
    public void reconnect(String why)
    {
        BinaryLogClient current = client;
        if (current != null && !stopped) {
            log.warn("reconnecting the {} binlog stream of {}:{} at {}: {}", config.role().server(), config.host(), config.port(), lastPosition.event(), why);
            reconnectRequested = true;
            disconnect(current);
        }
    }

    /**
     * Whether the streamer thread is running (started, not stopped, not failed).
     */
    public boolean isRunning()
    {
        Thread streamer = thread;
        return streamer != null && streamer.isAlive() && !stopped;
    }

    /**
     * The position pair after the last event the streamer processed. Safe from any thread.
     */
    public PositionPair position()
    {
        return lastPosition;
    }

    /**
     * The replica server id this streamer connects with.
     */
    public long serverId()
    {
        return serverId;
    }

    /**
     * How many events of each type were skipped on purpose since start (types ferry does not
     * need), plus {@code "rows of other tables"} for rows events of tables not accepted.
     */
    public Map<String, Long> skippedEvents()
    {
        return dispatcher.skippedEvents();
    }

    /**
     * How many binlog connections were opened since start: 1 plus the reconnects.
     */
    public long connections()
    {
        return connections.get();
    }

    /**
     * Events read again after a reconnect in the middle of a transaction, which had been handed on
     * before and were not handed on again.
     */
    public long replayedEvents()
    {
        return position.replayedEvents();
    }

    /**
     * The server's thread id of the current binlog connection, or -1 when not connected.
     */
    long connectionId()
    {
        BinaryLogClient current = client;
        return current != null && current.isConnected() ? current.getConnectionId() : -1;
    }

    private Connection openConnection()
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        properties.setProperty("password", config.password());
        properties.setProperty("connectTimeout", Long.toString(config.connectTimeout().toMillis()));
        properties.setProperty("socketTimeout", Long.toString(Math.max(30_000, config.connectTimeout().toMillis())));
        String host = config.host().indexOf(':') >= 0 ? "[" + config.host() + "]" : config.host();
        return DriverManager.getConnection("jdbc:mysql://" + host + ":" + config.port() + "/", properties);
    }

    // ---------------------------------------------------------------- connection loop

    private void run()
    {
        int failures = 0;
        Throwable failure = null;
        try {
            while (!stopped) {
                BinaryLogClient connection = newClient();
                synchronized (lifecycleLock) {
                    if (stopped) {
                        break;
                    }
                    client = connection;
                }
                position.resetProgress();
                connectionError = null;
                connections.incrementAndGet();
                if (log.isInfoEnabled()) {
                    log.info("reading the {} binlog of {}:{} from {}:{} as server id {}", config.role().server(), config.host(), config.port(), position.file(), position.offset(), serverId);
                }
                try {
                    connection.connect();
                }
                catch (Exception e) {
                    connectionError = e;
                }
                if (stopped) {
                    break;
                }
                if (fatal == null && isFatal(connectionError)) {
                    fatal = describeFatal(connectionError);
                }
                if (fatal != null) {
                    failure = fatal;
                    break;
                }
                if (position.progressed()) {
                    failures = 0;
                }
                BinlogPosition resumeAt = position.prepareReconnect();
                if (reconnectRequested) {
                    // asked for (reconnect()): not a failure, and no backoff
                    reconnectRequested = false;
                    continue;
                }
                failures++;
                if (failures > config.readRetries()) {
                    failure = new FerryException("lost the binlog connection to " + config.host() + ":" + config.port() + " and gave up after "
                            + config.readRetries() + " retries" + (connectionError == null ? "" : " (last error: " + rootMessage(connectionError) + ")")
                            + "; resume from " + resumeAt, connectionError);
                    break;
                }
                long backoff = SqlFailures.retryDelay(config.retryBackoff(), failures - 1).toMillis();
                if (log.isWarnEnabled()) {
                    log.warn("binlog connection to {}:{} lost ({}); retry {} of {} from {} in {} ms", config.host(), config.port(),
                            connectionError == null ? "closed by the server" : rootMessage(connectionError), failures, config.readRetries(), resumeAt, backoff);
                }
                if (stopSignal.await(backoff, TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException | Error e) {
            failure = e;
        }
        finally {
            client = null;
            boolean report = failure != null && !stopped;
            stopped = true;
            if (report) {
                try {
                    listener.onFailure(failure);
                }
                catch (RuntimeException e) {
                    log.error("binlog listener failed while handling a failure", e);
                }
            }
        }
    }

    private BinaryLogClient newClient()
    {
        BinaryLogClient connection = new BinaryLogClient(config.host(), config.port(), config.user(), config.password());
        connection.setServerId(serverId);
        // ferry reconnects itself, from the resume position; the library's keepalive thread would
        // resume from the last event, in the middle of a transaction
        connection.setKeepAlive(false);
        connection.setHeartbeatInterval(config.heartbeatInterval().toMillis());
        connection.setConnectTimeout(config.connectTimeout().toMillis());
        connection.setBinlogFilename(position.file());
        connection.setBinlogPosition(position.offset());
        boolean watch = config.role() == BinlogStreamerConfig.Role.TARGET_WATCH;
        // MariaDB sends a statement's text with its rows only when asked; MySQL when it logs them
        connection.setUseSendAnnotateRowsEvent(watch);
        connection.setEventDeserializer(EventDeserializers.create(dispatcher::acceptTable, watch));
        int readTimeout = (int) Math.min(Integer.MAX_VALUE, config.heartbeatInterval().toMillis() * 3);
        connection.setSocketFactory(() -> {
            Socket socket = new Socket();
            socket.setKeepAlive(true);
            socket.setSoTimeout(readTimeout);
            return socket;
        });
        connection.setThreadFactory(runnable -> {
            Thread helper = new Thread(runnable);
            helper.setDaemon(true);
            return helper;
        });
        connection.registerEventListener(this::onEvent);
        connection.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener()
        {
            @Override
            public void onConnect(BinaryLogClient connected)
            {
                if (stopped) {
                    disconnect(connected);
                }
            }

            @Override
            public void onCommunicationFailure(BinaryLogClient failed, Exception e)
            {
                connectionError = e;
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient failed, Exception e)
            {
                // the library would skip the event and go on: a lost row change
                if (isConnectionProblem(e)) {
                    connectionError = e;
                }
                else if (fatal == null) {
                    fatal = new FerryException("cannot read the binlog event after " + position.file() + ":" + position.offset() + ": " + rootMessage(e), e);
                }
                disconnect(failed);
            }
        });
        return connection;
    }

    private static boolean isConnectionProblem(Throwable e)
    {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketException || cause instanceof EOFException || cause instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFatal(Exception e)
    {
        if (e instanceof AuthenticationException) {
            return true;
        }
        if (e instanceof ServerException server) {
            int code = server.getErrorCode();
            return code == ER_ACCESS_DENIED || code == ER_SPECIFIC_ACCESS_DENIED || code == ER_MASTER_FATAL_ERROR_READING_BINLOG;
        }
        return false;
    }

    private FerryException describeFatal(Exception e)
    {
        if (e instanceof ServerException server && server.getErrorCode() == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
            return new FerryException("the " + config.role().server() + " cannot send its binlog from " + position.file() + ":" + position.offset() + " (" + server.getMessage()
                    + "); the file may have been purged (binlog_expire_logs_seconds) or the position is not an event boundary", e);
        }
        return new FerryException("the " + config.role().server() + " refused the binlog connection as " + config.user() + " (" + e.getMessage()
                + "); the user needs REPLICATION SLAVE and REPLICATION CLIENT (BINLOG MONITOR on MariaDB)", e);
    }

    private static void disconnect(BinaryLogClient connection)
    {
        if (connection == null) {
            return;
        }
        try {
            connection.disconnect();
        }
        catch (IOException | RuntimeException e) {
            // closing a connection that is already broken
        }
    }

    private void halt(Throwable failure)
    {
        if (fatal == null) {
            fatal = failure;
        }
        disconnect(client);
    }

    private static String rootMessage(Throwable e)
    {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }

    private void onEvent(Event event)
    {
        // the library logs and swallows listener exceptions: catch everything here
        if (stopped || fatal != null) {
            return;
        }
        try {
            dispatcher.dispatch(event);
            lastPosition = position.currentPair();
        }
        catch (Throwable e) {
            halt(e);
        }
    }
}
