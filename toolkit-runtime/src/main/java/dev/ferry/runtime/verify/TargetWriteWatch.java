package dev.ferry.runtime.verify;

import dev.ferry.api.FerryException;
import dev.ferry.api.Metrics;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyColumns;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.binlog.BinlogListener;
import dev.ferry.runtime.binlog.BinlogStreamer;
import dev.ferry.runtime.binlog.BinlogStreamerConfig;
import dev.ferry.runtime.binlog.StallWatch;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.ddl.DdlParser;
import dev.ferry.runtime.ddl.DdlStatements;
import dev.ferry.runtime.ddl.ParsedDdl;
import dev.ferry.runtime.ddl.SchemaEvent;
import dev.ferry.runtime.schema.SchemaRegistry;
import dev.ferry.runtime.sql.StatementTag;
import dev.ferry.runtime.state.TargetWritesState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Watches the target's binlog, from the start of the run to its cutover, for writes to the moved
 * tables by anything other than this run: rows events whose statement text (MariaDB
 * {@code Annotate_rows}, MySQL {@code Rows_query}) does not start with the run's
 * {@link StatementTag}, or come without any, and DDL on a moved table that is not the run's. Each
 * is recorded with its table and, for rows, the row's key (before image for updates and deletes,
 * after image for inserts and key changes). See {@code docs/consistency.md}, "Writes to the
 * target by others".
 *
 * <p>Findings are committed with the transaction that made them, together with the position
 * after it, so that a saved state ({@link #saveState}) holds exactly the findings before its
 * position and a resume that reads on from there finds the rest once.
 *
 * <p>Threading: the listener methods run on the streamer's thread; the others on any thread.
 */
public final class TargetWriteWatch
        implements BinlogListener, AutoCloseable
{
    /** Keys remembered per table. */
    static final int MAX_KEYS = 100;
    /** Notes (DDL, rows that could not be decoded) remembered per table. */
    static final int MAX_NOTES = 5;
    /** Keys per table in a verification result. */
    static final int REPORTED_KEYS = 10;

    private static final Logger log = LoggerFactory.getLogger(TargetWriteWatch.class);
    private static final int NOTE_CHARS = 160;
    private static final long POLL_MILLIS = 50;

    private final BinlogStreamerConfig streamerConfig;
    private final DataSource target;
    private final SchemaRegistry schemas;
    private final RewritesConfig rewrites;
    private final StatementTag tag;
    private final Runnable onFailure;
    private final Metrics.Counter foreignWrites;
    private final Object lock = new Object();

    // guarded by lock
    private final Map<TableName, Flags> committed = new LinkedHashMap<>();
    private final Map<TableName, Integer> ownDrops = new HashMap<>();
    private BinlogPosition committedPosition;
    private String unwatched;

    // streamer thread only
    private final Map<TableName, Flags> pending = new LinkedHashMap<>();
    private final Map<TableSchema, KeyReader> keyReaders = new IdentityHashMap<>();
    private boolean ferryStatement;

    private volatile BinlogStreamer streamer;
    private volatile Throwable failure;
    private volatile boolean finished;

    /**
     * @param streamerConfig how to read the target's binlog; its role must be
     *        {@link BinlogStreamerConfig.Role#TARGET_WATCH}
     * @param target the target, for its current binlog position at {@link #finish}
     * @param schemas the moved tables, by source name
     * @param tag the tag this run's statements start with
     * @param onFailure called on the streamer's thread once the watch failed for good
     */
    public TargetWriteWatch(BinlogStreamerConfig streamerConfig, DataSource target, SchemaRegistry schemas, RewritesConfig rewrites,
            StatementTag tag, Runnable onFailure, Metrics metrics)
    {
        this.streamerConfig = requireNonNull(streamerConfig, "streamerConfig is null");
        if (streamerConfig.role() != BinlogStreamerConfig.Role.TARGET_WATCH) {
            throw new IllegalArgumentException("the watch reads the target's binlog: role must be TARGET_WATCH (got " + streamerConfig.role() + ")");
        }
        this.target = requireNonNull(target, "target is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.tag = requireNonNull(tag, "tag is null");
        this.onFailure = requireNonNull(onFailure, "onFailure is null");
        requireNonNull(metrics, "metrics is null");
        this.foreignWrites = metrics.counter("target_foreign_writes",
                "row changes and DDL on moved tables of the target by something other than this run (each fails the cutover)");
    }

    /**
     * Takes over what a saved run found, before {@link #start}.
     */
    public void restore(TargetWritesState saved)
    {
        requireNonNull(saved, "saved is null");
        synchronized (lock) {
            committedPosition = saved.position();
            for (TargetWritesState.Table table : saved.tables()) {
                Flags flags = new Flags(table.target());
                flags.rows = table.rows();
                flags.statements = table.statements();
                flags.keys.addAll(table.keys());
                flags.notes.addAll(table.notes());
                committed.put(table.table(), flags);
            }
        }
    }

    /**
     * Records that the watch did not see the target's binlog for a while (a resume could not read
     * on from where the saved run stopped watching), for the result and the status.
     */
    public void unwatched(String description)
    {
        synchronized (lock) {
            unwatched = requireNonNull(description, "description is null");
        }
    }

    /**
     * Reads the target's binlog from {@code from} (a transaction boundary) on a thread of its own.
     *
     * @throws FerryException when the target's binlog cannot be read from there
     */
    public void start(BinlogPosition from)
    {
        requireNonNull(from, "from is null");
        synchronized (lock) {
            committedPosition = from;
        }
        BinlogStreamer current = new BinlogStreamer(streamerConfig, this::schemaOf, this::watches, this);
        streamer = current;
        current.start(from);
        log.info("watching the target's binlog for writes to the moved tables by others from {} (server id {})", from, current.serverId());
    }

    /**
     * Told by the DDL applier before it drops tables on the target (names on the target): the
     * server may log a {@code DROP TABLE} anew, without this run's tag.
     */
    public void expectOwnDrops(Collection<TableName> targets)
    {
        synchronized (lock) {
            for (TableName table : targets) {
                ownDrops.merge(table, 1, Integer::sum);
            }
        }
    }

    /**
     * @throws FerryException when the watch failed for good; a resume continues it from the saved
     *         position
     */
    public void checkHealthy()
    {
        Throwable cause = failure;
        if (cause != null) {
            throw new FerryException("watching the target's binlog for writes by others failed: " + cause.getMessage()
                    + "; a resume continues the watch from where it stopped (or set verifier.watchTargetWrites: false)", cause);
        }
    }

    /**
     * Whether something other than this run wrote to a moved table, as far as read so far.
     */
    public boolean foundWrites()
    {
        synchronized (lock) {
            return !committed.isEmpty();
        }
    }

    /**
     * Reads the target's binlog up to the target's current position, stops, and returns what was
     * found. Called at cutover, once this run wrote its last row.
     *
     * @throws FerryException when the watch failed, or does not get there within {@code timeout}
     */
    public TargetWrites finish(Duration timeout, Duration stall)
            throws SQLException, InterruptedException
    {
        BinlogPosition end;
        try (Connection connection = target.getConnection()) {
            end = SourceServer.currentFileAndOffset(connection);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        StallWatch stallWatch = new StallWatch(stall);
        while (!reached(end)) {
            checkHealthy();
            if (System.nanoTime() - deadline > 0) {
                throw new FerryException("cutover: the watch of the target's binlog did not reach the target's position " + end + " within "
                        + timeout + " (cutover.catchUpTimeout); it is at " + position() + ". The run's state is saved; a resume continues it");
            }
            BinlogStreamer current = streamer;
            PositionPair seen = current == null ? null : current.position();
            if (seen == null) {
                stallWatch.moved();
            }
            else if (stallWatch.stalled(seen)) {
                // a connection that stays open and delivers nothing: read again from where the watch is
                current.reconnect("the watch stood still for " + stall.toMillis() + " ms short of the target's position " + end);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        checkHealthy();
        finished = true;
        stop();
        return snapshot();
    }

    /**
     * What was found so far, with where the watch is.
     */
    public TargetWrites snapshot()
    {
        synchronized (lock) {
            return new TargetWrites(tables(), committedPosition, unwatched, failure == null ? null : failure.getMessage(), finished);
        }
    }

    /**
     * What a resume continues from: the findings up to the last transaction read whole, and the
     * position after it.
     */
    public TargetWritesState saveState()
    {
        synchronized (lock) {
            return committedPosition == null ? null : new TargetWritesState(committedPosition, tables());
        }
    }

    /**
     * Where the watch is; null before it started.
     */
    public BinlogPosition position()
    {
        synchronized (lock) {
            return committedPosition;
        }
    }

    public void stop()
    {
        BinlogStreamer current = streamer;
        if (current != null) {
            current.stop();
        }
    }

    @Override
    public void close()
    {
        stop();
    }

    // ---------------------------------------------------------------- the streamer's side

    private boolean reached(BinlogPosition end)
    {
        BinlogStreamer current = streamer;
        if (current == null) {
            return false;
        }
        PositionPair at = current.position();
        if (at == null) {
            return false;
        }
        BinlogPosition read = at.event();
        int order = read.file().compareTo(end.file());
        return order > 0 || (order == 0 && read.offset() >= end.offset());
    }

    /**
     * The moved table a target table holds, or null.
     */
    private TableName movedSource(TableName targetName)
    {
        TableName source = rewrites.reverse(targetName);
        return schemas.contains(source) && rewrites.apply(source).equals(targetName) ? source : null;
    }

    private Optional<TableSchema> schemaOf(TableName targetName)
    {
        TableName source = movedSource(targetName);
        return source == null ? Optional.empty() : schemas.get(source);
    }

    /**
     * Which rows are decoded: those of moved tables, unless this run's statement wrote them.
     * Called at every TABLE_MAP, after the statement's text.
     */
    boolean watches(TableName targetName)
    {
        return !ferryStatement && movedSource(targetName) != null;
    }

    @Override
    public void onTransactionStart()
    {
        ferryStatement = false;
    }

    @Override
    public void onStatementText(String text)
    {
        ferryStatement = tag.marks(text);
    }

    @Override
    public void onRowEvents(List<RowEvent> events, long sourceMillis)
    {
        for (int i = 0; i < events.size(); i++) {
            RowEvent event = events.get(i);
            TableSchema schema = event.table();
            Flags flags = pending(schema.name(), rewrites.apply(schema.name()));
            flags.rows++;
            KeyReader reader = keyReaders.computeIfAbsent(schema, KeyReader::of);
            if (reader == null) {
                flags.note("rows without a usable key");
                continue;
            }
            Key first = reader.keyOf(event.type() == RowEvent.Type.INSERT ? event.after() : event.before());
            flags.key(first);
            if (event.type() == RowEvent.Type.UPDATE) {
                Key after = reader.keyOf(event.after());
                if (after != null && !after.equals(first)) {
                    flags.key(after);
                }
            }
        }
    }

    @Override
    public void onUndecodedRows(TableName table, int rows, String reason, PositionPair position)
    {
        TableName source = movedSource(table);
        Flags flags = pending(source == null ? rewrites.reverse(table) : source, table);
        flags.rows += rows;
        flags.note(rows + " row change(s) whose key could not be read (" + abbreviate(reason) + ")");
    }

    @Override
    public void onQuery(String sql, String defaultDatabase, PositionPair position, long sourceMillis)
    {
        if (tag.marks(sql) || !DdlStatements.isSchemaStatement(sql)) {
            // DML logged as a statement (a session with binlog_format=STATEMENT) is not judged
            return;
        }
        ParsedDdl ddl;
        try {
            ddl = DdlParser.parse(sql, defaultDatabase == null || defaultDatabase.isEmpty() ? null : defaultDatabase);
        }
        catch (RuntimeException e) {
            log.warn("cannot tell whether a statement on the target at {} touches a moved table ({}): {}", position.event(), e.getMessage(),
                    abbreviate(sql));
            return;
        }
        if (ddl.kind() == SchemaEvent.Kind.IGNORED) {
            return;
        }
        Set<TableName> touched = new LinkedHashSet<>(ddl.affected());
        touched.addAll(ddl.created());
        touched.addAll(ddl.dropped());
        touched.addAll(ddl.renames().keySet());
        touched.addAll(ddl.renames().values());
        for (String database : ddl.databasesDropped()) {
            for (TableSchema table : schemas.all()) {
                TableName targetName = rewrites.apply(table.name());
                if (targetName.database().equals(database)) {
                    touched.add(targetName);
                }
            }
        }
        for (TableName targetName : touched) {
            if (ddl.dropped().contains(targetName) && ownDrop(targetName)) {
                continue;
            }
            TableName source = movedSource(targetName);
            if (source != null) {
                Flags flags = pending(source, targetName);
                flags.statements++;
                flags.note(abbreviate(sql));
            }
        }
    }

    @Override
    public void onTransactionEnd(PositionPair position, long sourceMillis)
    {
        ferryStatement = false;
        commit(position.resume());
    }

    @Override
    public void onHeartbeat(PositionPair position)
    {
        if (pending.isEmpty() && position.resume().equals(position.event())) {
            synchronized (lock) {
                committedPosition = position.resume();
            }
        }
    }

    @Override
    public void onFailure(Throwable cause)
    {
        if (finished) {
            return;
        }
        failure = cause;
        log.error("watching the target's binlog for writes by others failed: {}", cause.getMessage());
        onFailure.run();
    }

    private boolean ownDrop(TableName targetName)
    {
        synchronized (lock) {
            Integer expected = ownDrops.get(targetName);
            if (expected == null) {
                return false;
            }
            if (expected == 1) {
                ownDrops.remove(targetName);
            }
            else {
                ownDrops.put(targetName, expected - 1);
            }
            return true;
        }
    }

    private Flags pending(TableName source, TableName targetName)
    {
        Flags flags = pending.get(source);
        if (flags == null) {
            flags = new Flags(targetName);
            pending.put(source, flags);
        }
        return flags;
    }

    private void commit(BinlogPosition position)
    {
        long added = 0;
        List<String> firsts = new ArrayList<>();
        synchronized (lock) {
            for (Map.Entry<TableName, Flags> entry : pending.entrySet()) {
                Flags found = entry.getValue();
                Flags flags = committed.get(entry.getKey());
                if (flags == null) {
                    flags = new Flags(found.target);
                    committed.put(entry.getKey(), flags);
                    firsts.add(entry.getKey() + (found.target.equals(entry.getKey()) ? "" : " (" + found.target + " on the target)")
                            + (found.keys.isEmpty() ? "" : ", key " + found.keys.iterator().next())
                            + (found.notes.isEmpty() ? "" : ": " + found.notes.get(0)));
                }
                flags.add(found);
                added += found.rows + found.statements;
            }
            committedPosition = position;
        }
        pending.clear();
        if (added > 0) {
            foreignWrites.add(added);
        }
        for (String first : firsts) {
            log.warn("something other than this ferry run wrote to moved table {} on the target (at {}); the cutover will be refused", first, position);
        }
    }

    private List<TargetWritesState.Table> tables()
    {
        List<TargetWritesState.Table> result = new ArrayList<>(committed.size());
        for (Map.Entry<TableName, Flags> entry : committed.entrySet()) {
            Flags flags = entry.getValue();
            result.add(new TargetWritesState.Table(entry.getKey(), flags.target, flags.rows, flags.statements, List.copyOf(flags.keys), List.copyOf(flags.notes)));
        }
        return result;
    }

    private static String abbreviate(String text)
    {
        String flat = String.valueOf(text).replaceAll("\\s+", " ").strip();
        return flat.length() <= NOTE_CHARS ? flat : flat.substring(0, NOTE_CHARS) + "...";
    }

    /**
     * What was found for one table.
     */
    private static final class Flags
    {
        final TableName target;
        final Set<Key> keys = new LinkedHashSet<>();
        final List<String> notes = new ArrayList<>();
        long rows;
        long statements;

        Flags(TableName target)
        {
            this.target = target;
        }

        void key(Key key)
        {
            if (key != null && keys.size() < MAX_KEYS) {
                keys.add(key);
            }
        }

        void note(String note)
        {
            if (notes.size() < MAX_NOTES && !notes.contains(note)) {
                notes.add(note);
            }
        }

        void add(Flags other)
        {
            rows += other.rows;
            statements += other.statements;
            for (Key key : other.keys) {
                key(key);
            }
            for (String note : other.notes) {
                note(note);
            }
        }
    }

    /**
     * Reads the row key ({@link KeyColumns#rowKey}) of one table's decoded rows.
     */
    private record KeyReader(KeySql key, int[] positions)
    {
        static KeyReader of(TableSchema schema)
        {
            List<Column> columns = KeyColumns.rowKey(schema);
            if (columns.isEmpty()) {
                return null;
            }
            int[] positions = new int[columns.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = schema.columnIndex(columns.get(i).name());
            }
            return new KeyReader(KeySql.of(columns), positions);
        }

        Key keyOf(Row row)
        {
            return row == null ? null : key.keyOf(row, positions);
        }
    }
}
