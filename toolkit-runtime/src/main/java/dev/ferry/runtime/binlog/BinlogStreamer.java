package dev.ferry.runtime.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidListEventData;
import com.github.shyiko.mysql.binlog.event.PreviousGtidSetEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.EventDataWrapper;
import com.github.shyiko.mysql.binlog.network.AuthenticationException;
import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.net.Socket;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Streams the source's binlog: the one owner of the {@link BinaryLogClient}. Reads from a
 * file/offset position, decodes the row events of accepted tables into {@link RowEvent}s, passes
 * statements on, and tracks two positions for every event (see {@link PositionPair}): restarting
 * from {@code resume} never re-reads half a transaction nor skips one.
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
    private static final int ARTIFICIAL_EVENT_FLAG = 0x20;
    private static final int MAX_BACKOFF_DOUBLINGS = 6;
    /** MariaDB's compressed QUERY and rows events, which the library does not know */
    private static final int MARIADB_FIRST_COMPRESSED_EVENT = 165;
    private static final int MARIADB_LAST_COMPRESSED_EVENT = 171;
    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
    private static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;

    private final BinlogStreamerConfig config;
    private final Function<TableName, Optional<TableSchema>> schemas;
    private final Predicate<TableName> acceptedTables;
    private final BinlogListener listener;
    private final long serverId;
    private final Map<EventType, Handler> handlers = new EnumMap<>(EventType.class);
    private final AtomicLongArray skippedByType = new AtomicLongArray(EventType.values().length);
    private final AtomicLongArray skippedRowsEvents = new AtomicLongArray(1);
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong replayedEvents = new AtomicLong();
    private final Object lifecycleLock = new Object();
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    private volatile boolean started;
    private volatile boolean stopped;
    private volatile BinaryLogClient client;
    private volatile Thread thread;
    private volatile PositionPair lastPosition;

    // streaming state: touched only on the streamer thread
    private SourceFlavor flavor;
    private GtidTracker gtids;
    private final Map<Long, TableState> tables = new HashMap<>();
    private TableState lastTable;
    private String file;
    private long offset;
    private boolean inTransaction;
    private boolean explicitBegin;
    private long transactionStart;
    private String pendingGtid;
    /** events up to here were handed on before a reconnect and are not handed on again */
    private String replayFile;
    private long replayUntil = -1;
    private String highWaterFile;
    private long highWaterOffset;
    private boolean progressed;
    private Throwable fatal;
    private Exception connectionError;

    public BinlogStreamer(BinlogStreamerConfig config, Function<TableName, Optional<TableSchema>> schemas, Predicate<TableName> acceptedTables, BinlogListener listener)
    {
        this.config = requireNonNull(config, "config is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.acceptedTables = requireNonNull(acceptedTables, "acceptedTables is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.serverId = config.serverId() != 0 ? config.serverId() : ThreadLocalRandom.current().nextLong(RANDOM_SERVER_ID_LOW, RANDOM_SERVER_ID_HIGH);

        handlers.put(EventType.FORMAT_DESCRIPTION, this::onPositionOnly);
        handlers.put(EventType.ROTATE, this::onRotate);
        handlers.put(EventType.HEARTBEAT, this::onHeartbeat);
        handlers.put(EventType.TABLE_MAP, this::onTableMap);
        handlers.put(EventType.WRITE_ROWS, this::onRows);
        handlers.put(EventType.UPDATE_ROWS, this::onRows);
        handlers.put(EventType.DELETE_ROWS, this::onRows);
        handlers.put(EventType.EXT_WRITE_ROWS, this::onRows);
        handlers.put(EventType.EXT_UPDATE_ROWS, this::onRows);
        handlers.put(EventType.EXT_DELETE_ROWS, this::onRows);
        handlers.put(EventType.QUERY, this::onQuery);
        handlers.put(EventType.XID, this::onXid);
        handlers.put(EventType.XA_PREPARE, this::onXid);
        handlers.put(EventType.GTID, this::onGtid);
        handlers.put(EventType.ANONYMOUS_GTID, this::onGtid);
        handlers.put(EventType.MARIADB_GTID, this::onMariaDbGtid);
        handlers.put(EventType.PREVIOUS_GTIDS, this::onPreviousGtids);
        handlers.put(EventType.MARIADB_GTID_LIST, this::onMariaDbGtidList);
        handlers.put(EventType.ROWS_QUERY, this::onPositionOnly);
        handlers.put(EventType.ANNOTATE_ROWS, this::onPositionOnly);
        handlers.put(EventType.UNKNOWN, this::onUnknown);
        // events whose skipping would lose row changes
        handlers.put(EventType.TRANSACTION_PAYLOAD, refuse("MySQL binlog transaction compression is not supported: "
                + "SET GLOBAL binlog_transaction_compression=OFF (and in my.cnf); sessions keep their value until they reconnect"));
        handlers.put(EventType.PARTIAL_UPDATE_ROWS_EVENT, refuse("partial JSON updates in the binlog are not supported: "
                + "SET GLOBAL binlog_row_value_options='' (and in my.cnf); sessions keep their value until they reconnect"));
        handlers.put(EventType.PRE_GA_WRITE_ROWS, refuse("pre-GA rows events (MySQL 5.1.0-5.1.15) are not supported"));
        handlers.put(EventType.PRE_GA_UPDATE_ROWS, refuse("pre-GA rows events (MySQL 5.1.0-5.1.15) are not supported"));
        handlers.put(EventType.PRE_GA_DELETE_ROWS, refuse("pre-GA rows events (MySQL 5.1.0-5.1.15) are not supported"));
        handlers.put(EventType.INCIDENT, refuse("the binlog records an incident (the source may have lost events, e.g. after a "
                + "failed write to the binlog); changes after this point cannot be trusted to be complete"));
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
        requireNonNull(from, "from is null");
        synchronized (lifecycleLock) {
            if (started) {
                throw new IllegalStateException("binlog streamer already started");
            }
            started = true;
        }
        String startGtids = from.gtidSet();
        try (Connection connection = openConnection()) {
            flavor = SourceFlavor.detect(connection);
            checkSource(connection, config.skipRowImageCheck());
            if (startGtids == null && flavor == SourceFlavor.MARIADB) {
                startGtids = mariaDbGtidPosition(connection, from.file(), from.offset());
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
        gtids = GtidTracker.create(flavor, startGtids);
        file = from.file();
        offset = from.offset();
        highWaterFile = file;
        highWaterOffset = offset;
        lastPosition = PositionPair.at(new BinlogPosition(file, offset, gtids.current()));
        Thread streamer = new Thread(this::run, "ferry-binlog-" + config.host() + ":" + config.port());
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
        Map<String, Long> result = new LinkedHashMap<>();
        EventType[] types = EventType.values();
        for (int i = 0; i < types.length; i++) {
            long count = skippedByType.get(i);
            if (count > 0) {
                result.put(types[i].name(), count);
            }
        }
        long rows = skippedRowsEvents.get(0);
        if (rows > 0) {
            result.put("rows of other tables", rows);
        }
        return Collections.unmodifiableMap(result);
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
        return replayedEvents.get();
    }

    /**
     * The server's thread id of the current binlog connection, or -1 when not connected.
     */
    long connectionId()
    {
        BinaryLogClient current = client;
        return current != null && current.isConnected() ? current.getConnectionId() : -1;
    }

    // ---------------------------------------------------------------- source checks and position

    /**
     * Fails unless the source writes a row-based binlog ferry can read: {@code log_bin=ON},
     * {@code binlog_format=ROW}, {@code binlog_row_image=FULL} (unless skipped), and no binlog
     * compression. Every problem is reported at once, with what to change.
     */
    public static void checkSource(Connection connection, boolean skipRowImageCheck)
            throws SQLException
    {
        SourceFlavor flavor = SourceFlavor.detect(connection);
        List<String> problems = new ArrayList<>();
        String logBin = variable(connection, "log_bin");
        if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
            problems.add("binary logging is off: start the server with log_bin (log-bin=<basename> in my.cnf)");
        }
        String format = variable(connection, "binlog_format");
        if (!"ROW".equalsIgnoreCase(format)) {
            problems.add("binlog_format is " + format + ", ferry needs ROW: run SET GLOBAL binlog_format=ROW and add "
                    + "binlog_format=ROW under [mysqld] in my.cnf; connections opened before the change keep logging in the "
                    + "old format until they reconnect");
        }
        if (!skipRowImageCheck) {
            String image = variable(connection, "binlog_row_image");
            if (image != null && !"FULL".equalsIgnoreCase(image)) {
                problems.add("binlog_row_image is " + image + ", ferry needs FULL: run SET GLOBAL binlog_row_image=FULL and add "
                        + "binlog_row_image=FULL under [mysqld] in my.cnf; connections opened before the change keep the old "
                        + "value until they reconnect");
            }
        }
        if (flavor == SourceFlavor.MYSQL) {
            String compression = optionalVariable(connection, "binlog_transaction_compression");
            if ("1".equals(compression) || "ON".equalsIgnoreCase(compression)) {
                problems.add("binlog_transaction_compression is ON, which ferry cannot read: run SET GLOBAL "
                        + "binlog_transaction_compression=OFF and set it in my.cnf; sessions keep their value until they reconnect");
            }
            String valueOptions = optionalVariable(connection, "binlog_row_value_options");
            if (valueOptions != null && valueOptions.toUpperCase(Locale.ROOT).contains("PARTIAL_JSON")) {
                problems.add("binlog_row_value_options is PARTIAL_JSON, which logs partial JSON updates ferry cannot apply: run "
                        + "SET GLOBAL binlog_row_value_options='' and set it in my.cnf; sessions keep their value until they reconnect");
            }
        }
        else {
            String compress = optionalVariable(connection, "log_bin_compress");
            if ("1".equals(compress) || "ON".equalsIgnoreCase(compress)) {
                problems.add("log_bin_compress is ON, which ferry cannot read: run SET GLOBAL log_bin_compress=OFF and set it in my.cnf");
            }
        }
        if (!problems.isEmpty()) {
            throw new FerryException("the source binlog is not usable: " + String.join("; ", problems));
        }
    }

    /**
     * The source's current binlog position (the end of the binlog) with its executed GTID set.
     * MySQL 8.4+: {@code SHOW BINARY LOG STATUS}; older MySQL and MariaDB: {@code SHOW MASTER
     * STATUS}. GTIDs: MySQL's {@code Executed_Gtid_Set} column (read in the same statement, so it
     * matches the position exactly), else {@code @@gtid_executed}; MariaDB's
     * {@code BINLOG_GTID_POS(file, offset)} (exact for that position), else
     * {@code @@gtid_binlog_pos}. The gtid set is null when GTIDs are off.
     *
     * @throws FerryException when binary logging is off
     */
    public static BinlogPosition currentPosition(Connection connection)
            throws SQLException
    {
        SourceFlavor flavor = SourceFlavor.detect(connection);
        try (Statement statement = connection.createStatement()) {
            String binlogFile;
            long binlogOffset;
            String gtidSet = null;
            try (ResultSet result = binlogStatus(statement, flavor)) {
                if (!result.next()) {
                    throw new FerryException("binary logging is off on the source: start the server with log_bin (log-bin=<basename> in my.cnf)");
                }
                binlogFile = result.getString(1);
                binlogOffset = result.getLong(2);
                if (flavor == SourceFlavor.MYSQL && hasColumn(result.getMetaData(), "Executed_Gtid_Set")) {
                    gtidSet = result.getString("Executed_Gtid_Set");
                }
            }
            if (flavor == SourceFlavor.MYSQL) {
                if (gtidSet == null) {
                    gtidSet = optionalVariable(connection, "gtid_executed");
                }
                gtidSet = gtidSet == null || gtidSet.isBlank() ? null : gtidSet.replace("\n", "");
            }
            else {
                gtidSet = mariaDbGtidPosition(connection, binlogFile, binlogOffset);
            }
            return new BinlogPosition(binlogFile, binlogOffset, gtidSet);
        }
    }

    private static ResultSet binlogStatus(Statement statement, SourceFlavor flavor)
            throws SQLException
    {
        if (flavor == SourceFlavor.MYSQL) {
            try {
                // MySQL 8.2+; 8.4 removed SHOW MASTER STATUS
                return statement.executeQuery("SHOW BINARY LOG STATUS");
            }
            catch (SQLException e) {
                return statement.executeQuery("SHOW MASTER STATUS");
            }
        }
        return statement.executeQuery("SHOW MASTER STATUS");
    }

    private static String mariaDbGtidPosition(Connection connection, String binlogFile, long binlogOffset)
            throws SQLException
    {
        try (var statement = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            statement.setString(1, binlogFile);
            statement.setLong(2, binlogOffset);
            try (ResultSet result = statement.executeQuery()) {
                if (result.next() && result.getString(1) != null) {
                    return result.getString(1);
                }
            }
        }
        catch (SQLException e) {
            // the binlog file may be gone (purged); the current state is the best left
        }
        return optionalVariable(connection, "gtid_binlog_pos");
    }

    private static boolean hasColumn(ResultSetMetaData metadata, String name)
            throws SQLException
    {
        for (int i = 1; i <= metadata.getColumnCount(); i++) {
            if (name.equalsIgnoreCase(metadata.getColumnLabel(i))) {
                return true;
            }
        }
        return false;
    }

    private static String variable(Connection connection, String name)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT @@GLOBAL." + name)) {
            result.next();
            return result.getString(1);
        }
    }

    private static String optionalVariable(Connection connection, String name)
    {
        try {
            return variable(connection, name);
        }
        catch (SQLException e) {
            // the variable does not exist in this server version
            return null;
        }
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
                progressed = false;
                connectionError = null;
                connections.incrementAndGet();
                if (log.isInfoEnabled()) {
                    log.info("reading the binlog of {}:{} from {}:{} as server id {}", config.host(), config.port(), file, offset, serverId);
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
                if (progressed) {
                    failures = 0;
                }
                failures++;
                BinlogPosition resumeAt = prepareReconnect();
                if (failures > config.readRetries()) {
                    failure = new FerryException("lost the binlog connection to " + config.host() + ":" + config.port() + " and gave up after "
                            + config.readRetries() + " retries" + (connectionError == null ? "" : " (last error: " + rootMessage(connectionError) + ")")
                            + "; resume from " + resumeAt, connectionError);
                    break;
                }
                long backoff = config.retryBackoff().toMillis() << Math.min(failures - 1, MAX_BACKOFF_DOUBLINGS);
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
        connection.setBinlogFilename(file);
        connection.setBinlogPosition(offset);
        connection.setEventDeserializer(EventDeserializers.create(this::acceptTable));
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
                    fatal = new FerryException("cannot read the binlog event after " + file + ":" + offset + ": " + rootMessage(e), e);
                }
                disconnect(failed);
            }
        });
        return connection;
    }

    /**
     * Sets the state up for reading again from the resume position and returns it. Events up to
     * the current event position were handed on already and will not be again.
     */
    private BinlogPosition prepareReconnect()
    {
        BinlogPosition resumeAt = new BinlogPosition(file, inTransaction ? transactionStart : offset, gtids.current());
        if (inTransaction) {
            replayFile = file;
            replayUntil = offset;
        }
        inTransaction = false;
        explicitBegin = false;
        pendingGtid = null;
        offset = resumeAt.offset();
        return resumeAt;
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
            return new FerryException("the source cannot send its binlog from " + file + ":" + offset + " (" + server.getMessage()
                    + "); the file may have been purged (binlog_expire_logs_seconds) or the position is not an event boundary", e);
        }
        return new FerryException("the source refused the binlog connection as " + config.user() + " (" + e.getMessage()
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

    // ---------------------------------------------------------------- event dispatch

    @FunctionalInterface
    private interface Handler
    {
        void handle(Event event, EventDeserializers.Header header);
    }

    private void onEvent(Event event)
    {
        // the library logs and swallows listener exceptions: catch everything here
        if (stopped || fatal != null) {
            return;
        }
        try {
            EventDeserializers.Header header = (EventDeserializers.Header) event.getHeader();
            EventType type = header.getEventType();
            Handler handler = handlers.get(type);
            if (handler == null) {
                skippedByType.incrementAndGet(type.ordinal());
                advance(header);
            }
            else {
                handler.handle(event, header);
            }
            lastPosition = currentPair();
        }
        catch (Throwable e) {
            halt(e);
        }
    }

    private Handler refuse(String message)
    {
        return (event, header) -> {
            throw new FerryException(message + " (event " + header.getEventType() + " at " + file + ":" + header.getPosition() + ")");
        };
    }

    private void onUnknown(Event event, EventDeserializers.Header header)
    {
        int code = header.typeCode();
        if (code >= MARIADB_FIRST_COMPRESSED_EVENT && code <= MARIADB_LAST_COMPRESSED_EVENT) {
            throw new FerryException("the source writes compressed binlog events (MariaDB log_bin_compress=ON), which ferry cannot read: "
                    + "SET GLOBAL log_bin_compress=OFF (and in my.cnf), then restart ferry from a position after the compressed events "
                    + "(event type " + code + " at " + file + ":" + header.getPosition() + ")");
        }
        skippedByType.incrementAndGet(EventType.UNKNOWN.ordinal());
        advance(header);
    }

    private void onPositionOnly(Event event, EventDeserializers.Header header)
    {
        advance(header);
    }

    private void onRotate(Event event, EventDeserializers.Header header)
    {
        RotateEventData rotate = (RotateEventData) EventDataWrapper.internal(event.getData());
        // both the artificial rotate sent at connect and the real one ending a file name the
        // position the next event starts at
        file = rotate.getBinlogFilename();
        offset = rotate.getBinlogPosition();
        markProgress();
    }

    private void onHeartbeat(Event event, EventDeserializers.Header header)
    {
        progressed = true;
        if (!replaying(offset)) {
            listener.onHeartbeat(currentPair());
        }
    }

    private void onTableMap(Event event, EventDeserializers.Header header)
    {
        TableMapEventData map = (TableMapEventData) EventDataWrapper.internal(event.getData());
        beginIfOutside(header);
        advance(header);
        TableState state = tables.get(map.getTableId());
        if (state == null || !state.database.equals(map.getDatabase()) || !state.table.equals(map.getTable())) {
            state = new TableState(map.getTableId(), map.getDatabase(), map.getTable(), new TableName(map.getDatabase(), map.getTable()));
            tables.put(map.getTableId(), state);
        }
        // asked at every TABLE_MAP (once per statement, not per row): the filter may change with DDL
        state.accepted = acceptedTables.test(state.name);
        lastTable = state;
        if (!state.accepted) {
            return;
        }
        TableName name = state.name;
        TableSchema schema = schemas.apply(name).orElseThrow(() -> new FerryException("the binlog carries rows of " + name
                + " at " + file + ":" + offset + " but no schema is known for it"));
        byte[] types = map.getColumnTypes();
        byte[][][] members = map instanceof EventDeserializers.TableMap exact ? exact.members() : null;
        if (schema != state.schema || !Arrays.equals(types, state.types) || !Arrays.deepEquals(members, state.members)) {
            RowImageDecoder decoder = RowImageDecoder.forTable(schema, members);
            String mismatch = decoder.mismatch(types, map.getColumnMetadata());
            if (mismatch != null) {
                throw new FerryException("the binlog at " + file + ":" + offset + " does not match the schema ferry holds: " + mismatch
                        + "; the schema is out of date (a DDL ferry did not apply?)");
            }
            state.schema = schema;
            state.decoder = decoder;
            state.types = types;
            state.members = members;
        }
    }

    private boolean acceptTable(long tableId)
    {
        TableState state = lastTable;
        if (state == null || state.tableId != tableId) {
            state = tables.get(tableId);
        }
        // unknown ids are decoded; the rows handler then refuses them with a clear message
        return state == null || state.accepted;
    }

    private void onRows(Event event, EventDeserializers.Header header)
    {
        beginIfOutside(header);
        advance(header);
        EventData data = EventDataWrapper.internal(event.getData());
        if (EventDeserializers.isSkipped(data)) {
            skippedRowsEvents.incrementAndGet(0);
            return;
        }
        long tableId = tableId(data);
        TableState state = tables.get(tableId);
        if (state == null) {
            throw new FerryException("rows event at " + file + ":" + offset + " for table id " + tableId + " without a TABLE_MAP before it");
        }
        if (!state.accepted) {
            skippedRowsEvents.incrementAndGet(0);
            return;
        }
        if (replaying(offset)) {
            return;
        }
        RowImageDecoder decoder = state.decoder;
        TableSchema schema = state.schema;
        PositionPair position = currentPair();
        List<RowEvent> events;
        if (data instanceof WriteRowsEventData write) {
            events = new ArrayList<>(write.getRows().size());
            BitSet included = write.getIncludedColumns();
            // the library's row lists are LinkedLists: iterate, do not index
            for (Serializable[] row : write.getRows()) {
                events.add(new RowEvent(RowEvent.Type.INSERT, schema, null, decoder.decode(row, included), position));
            }
        }
        else if (data instanceof UpdateRowsEventData update) {
            events = new ArrayList<>(update.getRows().size());
            BitSet includedBefore = update.getIncludedColumnsBeforeUpdate();
            BitSet includedAfter = update.getIncludedColumns();
            for (Map.Entry<Serializable[], Serializable[]> row : update.getRows()) {
                Row before = decoder.decode(row.getKey(), includedBefore);
                Row after = decoder.decode(row.getValue(), includedAfter);
                events.add(new RowEvent(RowEvent.Type.UPDATE, schema, before, after, position));
            }
        }
        else {
            DeleteRowsEventData delete = (DeleteRowsEventData) data;
            events = new ArrayList<>(delete.getRows().size());
            BitSet included = delete.getIncludedColumns();
            for (Serializable[] row : delete.getRows()) {
                events.add(new RowEvent(RowEvent.Type.DELETE, schema, decoder.decode(row, included), null, position));
            }
        }
        markProgress();
        listener.onRowEvents(events);
    }

    private static long tableId(EventData data)
    {
        if (data instanceof WriteRowsEventData write) {
            return write.getTableId();
        }
        if (data instanceof UpdateRowsEventData update) {
            return update.getTableId();
        }
        return ((DeleteRowsEventData) data).getTableId();
    }

    private void onQuery(Event event, EventDeserializers.Header header)
    {
        QueryEventData query = (QueryEventData) EventDataWrapper.internal(event.getData());
        String sql = query.getSql();
        String keyword = sql.strip();
        if ("BEGIN".equalsIgnoreCase(keyword) || startsWithIgnoreCase(keyword, "XA START") || startsWithIgnoreCase(keyword, "XA BEGIN")) {
            // an XA transaction runs from XA START to the XA_PREPARE event
            beginIfOutside(header);
            explicitBegin = true;
            advance(header);
            return;
        }
        if ("COMMIT".equalsIgnoreCase(keyword) || "ROLLBACK".equalsIgnoreCase(keyword)) {
            advance(header);
            endTransaction();
            return;
        }
        beginIfOutside(header);
        advance(header);
        if (!replaying(offset)) {
            markProgress();
            listener.onQuery(sql, query.getDatabase(), currentPair());
        }
        if (!explicitBegin) {
            // a statement logged on its own (DDL) is a transaction of its own
            endTransaction();
        }
    }

    private static boolean startsWithIgnoreCase(String text, String prefix)
    {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private void onXid(Event event, EventDeserializers.Header header)
    {
        advance(header);
        endTransaction();
    }

    private void onGtid(Event event, EventDeserializers.Header header)
    {
        closeDangling();
        begin(header);
        if (header.getEventType() == EventType.GTID) {
            GtidEventData gtid = (GtidEventData) EventDataWrapper.internal(event.getData());
            pendingGtid = gtid.getMySqlGtid().toString();
        }
        advance(header);
    }

    private void onMariaDbGtid(Event event, EventDeserializers.Header header)
    {
        closeDangling();
        MariadbGtidEventData gtid = (MariadbGtidEventData) EventDataWrapper.internal(event.getData());
        begin(header);
        // read by file and offset, the event's own server id field is 0: the header has the real one
        pendingGtid = gtid.getDomainId() + "-" + header.getServerId() + "-" + gtid.getSequence();
        // a group without the standalone flag is a transaction ending with XID or COMMIT
        explicitBegin = (gtid.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0;
        advance(header);
    }

    private void onPreviousGtids(Event event, EventDeserializers.Header header)
    {
        PreviousGtidSetEventData previous = (PreviousGtidSetEventData) EventDataWrapper.internal(event.getData());
        gtids.observe(previous.getGtidSet());
        advance(header);
    }

    private void onMariaDbGtidList(Event event, EventDeserializers.Header header)
    {
        MariadbGtidListEventData list = (MariadbGtidListEventData) EventDataWrapper.internal(event.getData());
        if (list.getMariaGTIDSet() != null) {
            gtids.observe(list.getMariaGTIDSet().toSeenString());
        }
        advance(header);
    }

    // ---------------------------------------------------------------- positions

    private void begin(EventDeserializers.Header header)
    {
        inTransaction = true;
        explicitBegin = false;
        pendingGtid = null;
        transactionStart = eventStart(header);
    }

    private void beginIfOutside(EventDeserializers.Header header)
    {
        if (!inTransaction) {
            begin(header);
        }
    }

    /**
     * A new transaction starts while one is open: the open one ended without a commit event
     * (a MariaDB standalone group with rows); close it here, before the new one's first event.
     */
    private void closeDangling()
    {
        if (inTransaction) {
            endTransaction();
        }
    }

    private void endTransaction()
    {
        gtids.commit(pendingGtid);
        pendingGtid = null;
        inTransaction = false;
        explicitBegin = false;
        if (!replaying(offset)) {
            markProgress();
            listener.onTransactionEnd(currentPair());
        }
    }

    private long eventStart(EventDeserializers.Header header)
    {
        long start = header.getNextPosition() - header.getEventLength();
        return header.getNextPosition() > 0 && start >= 0 ? start : offset;
    }

    /**
     * Moves the event position to the end of this event. Positions only grow within a file:
     * artificial events sent at connect (a format description from the file's start, heartbeats)
     * carry positions that are not where the stream is.
     */
    private void advance(EventDeserializers.Header header)
    {
        long next = header.getNextPosition();
        if (next == 0 && inTransaction) {
            // MariaDB 11.4+ (binlog_legacy_event_pos=OFF, its default) writes 0 as the end of the
            // events inside a transaction: the event ends its length after where it started
            next = offset + header.getEventLength();
        }
        if (next > offset && (header.getFlags() & ARTIFICIAL_EVENT_FLAG) == 0) {
            offset = next;
        }
    }

    private boolean replaying(long eventEnd)
    {
        if (replayUntil < 0) {
            return false;
        }
        if (file.equals(replayFile) && eventEnd <= replayUntil) {
            replayedEvents.incrementAndGet();
            return true;
        }
        replayUntil = -1;
        replayFile = null;
        return false;
    }

    private void markProgress()
    {
        int order = file.compareTo(highWaterFile);
        if (order > 0 || (order == 0 && offset > highWaterOffset)) {
            highWaterFile = file;
            highWaterOffset = offset;
            progressed = true;
        }
    }

    private PositionPair currentPair()
    {
        BinlogPosition event = new BinlogPosition(file, offset, gtids.current());
        if (!inTransaction || transactionStart == offset) {
            return PositionPair.at(event);
        }
        return new PositionPair(event, new BinlogPosition(file, transactionStart, gtids.current()));
    }

    private static final class TableState
    {
        final long tableId;
        final String database;
        final String table;
        final TableName name;
        boolean accepted;
        TableSchema schema;
        RowImageDecoder decoder;
        byte[] types;
        byte[][][] members;

        TableState(long tableId, String database, String table, TableName name)
        {
            this.tableId = tableId;
            this.database = database;
            this.table = table;
            this.name = name;
        }
    }
}
