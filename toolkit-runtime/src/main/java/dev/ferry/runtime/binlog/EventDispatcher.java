package dev.ferry.runtime.binlog;

import com.github.shyiko.mysql.binlog.event.AnnotateRowsEventData;
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
import com.github.shyiko.mysql.binlog.event.RowsQueryEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.EventDataWrapper;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Handles each binlog event by its type (one handler per {@link EventType}): decodes the row events
 * of accepted tables into {@link RowEvent}s, passes statements and transaction ends on to the
 * {@link BinlogListener}, and moves the {@link StreamPosition}. Events that were handed on before a
 * reconnect are not handed on again. A dispatcher for a {@link BinlogStreamerConfig.Role#TARGET_WATCH}
 * stream also passes statement texts on and reports rows it cannot decode instead of failing.
 *
 * <p>Threading: called on the streamer thread only, except {@link #skippedEvents}.
 */
final class EventDispatcher
{
    /** MariaDB's compressed QUERY and rows events, which the library does not know */
    private static final int MARIADB_FIRST_COMPRESSED_EVENT = 165;
    private static final int MARIADB_LAST_COMPRESSED_EVENT = 171;

    private final Function<TableName, Optional<TableSchema>> schemas;
    private final Predicate<TableName> acceptedTables;
    private final BinlogListener listener;
    private final StreamPosition position;
    private final boolean watch;
    private final Map<EventType, Handler> handlers = new EnumMap<>(EventType.class);
    private final AtomicLongArray skippedByType = new AtomicLongArray(EventType.values().length);
    private final AtomicLongArray skippedRowsEvents = new AtomicLongArray(1);
    private final Map<Long, TableState> tables = new HashMap<>();
    private TableState lastTable;

    EventDispatcher(Function<TableName, Optional<TableSchema>> schemas, Predicate<TableName> acceptedTables, BinlogListener listener, StreamPosition position)
    {
        this(schemas, acceptedTables, listener, position, BinlogStreamerConfig.Role.SOURCE);
    }

    EventDispatcher(Function<TableName, Optional<TableSchema>> schemas, Predicate<TableName> acceptedTables, BinlogListener listener, StreamPosition position,
            BinlogStreamerConfig.Role role)
    {
        this.watch = requireNonNull(role, "role is null") == BinlogStreamerConfig.Role.TARGET_WATCH;
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.acceptedTables = requireNonNull(acceptedTables, "acceptedTables is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.position = requireNonNull(position, "position is null");

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
        handlers.put(EventType.ROWS_QUERY, watch ? this::onStatementText : this::onPositionOnly);
        handlers.put(EventType.ANNOTATE_ROWS, watch ? this::onStatementText : this::onPositionOnly);
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
     * How many events of each type were skipped on purpose since start (types ferry does not
     * need), plus {@code "rows of other tables"} for rows events of tables not accepted.
     */
    Map<String, Long> skippedEvents()
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
     * Handles one event.
     *
     * @throws FerryException when the event cannot be handled without losing changes
     */
    void dispatch(Event event)
    {
        EventDeserializers.Header header = (EventDeserializers.Header) event.getHeader();
        EventType type = header.getEventType();
        Handler handler = handlers.get(type);
        if (handler == null) {
            skippedByType.incrementAndGet(type.ordinal());
            position.advance(header);
        }
        else {
            handler.handle(event, header);
        }
    }

    /**
     * Whether the rows of this table id are decoded: those of accepted tables, and of ids without
     * a TABLE_MAP (which the rows handler then refuses with a clear message).
     */
    boolean acceptTable(long tableId)
    {
        TableState state = lastTable;
        if (state == null || state.tableId != tableId) {
            state = tables.get(tableId);
        }
        return state == null || state.accepted;
    }

    @FunctionalInterface
    private interface Handler
    {
        void handle(Event event, EventDeserializers.Header header);
    }

    private Handler refuse(String message)
    {
        return (event, header) -> {
            throw new FerryException(message + " (event " + header.getEventType() + " at " + position.file() + ":" + header.getPosition() + ")");
        };
    }

    private void onUnknown(Event event, EventDeserializers.Header header)
    {
        int code = header.typeCode();
        if (code >= MARIADB_FIRST_COMPRESSED_EVENT && code <= MARIADB_LAST_COMPRESSED_EVENT) {
            throw new FerryException("the source writes compressed binlog events (MariaDB log_bin_compress=ON), which ferry cannot read: "
                    + "SET GLOBAL log_bin_compress=OFF (and in my.cnf), then restart ferry from a position after the compressed events "
                    + "(event type " + code + " at " + position.file() + ":" + header.getPosition() + ")");
        }
        skippedByType.incrementAndGet(EventType.UNKNOWN.ordinal());
        position.advance(header);
    }

    private void onPositionOnly(Event event, EventDeserializers.Header header)
    {
        position.advance(header);
    }

    private void onStatementText(Event event, EventDeserializers.Header header)
    {
        position.advance(header);
        EventData data = EventDataWrapper.internal(event.getData());
        if (data instanceof AnnotateRowsEventData annotate) {
            listener.onStatementText(annotate.getRowsQuery());
        }
        else if (data instanceof RowsQueryEventData rowsQuery) {
            listener.onStatementText(rowsQuery.getQuery());
        }
    }

    private void onRotate(Event event, EventDeserializers.Header header)
    {
        RotateEventData rotate = (RotateEventData) EventDataWrapper.internal(event.getData());
        position.rotate(rotate.getBinlogFilename(), rotate.getBinlogPosition());
    }

    private void onHeartbeat(Event event, EventDeserializers.Header header)
    {
        position.heartbeat();
        if (!position.replaying()) {
            listener.onHeartbeat(position.currentPair());
        }
    }

    private void onTableMap(Event event, EventDeserializers.Header header)
    {
        TableMapEventData map = (TableMapEventData) EventDataWrapper.internal(event.getData());
        position.beginIfOutside(header);
        position.advance(header);
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
        Optional<TableSchema> known = schemas.apply(name);
        if (known.isEmpty()) {
            if (!watch) {
                throw new FerryException("the binlog carries rows of " + name + " at " + position.file() + ":" + position.offset()
                        + " but no schema is known for it");
            }
            undecodable(state, "no schema is known for it");
            return;
        }
        TableSchema schema = known.get();
        byte[] types = map.getColumnTypes();
        byte[][][] members = map instanceof EventDeserializers.TableMap exact ? exact.members() : null;
        if (schema != state.schema || !Arrays.equals(types, state.types) || !Arrays.deepEquals(members, state.members)) {
            RowImageDecoder decoder;
            String mismatch;
            try {
                decoder = RowImageDecoder.forTable(schema, members);
                mismatch = decoder.mismatch(types, map.getColumnMetadata());
            }
            catch (RuntimeException e) {
                if (!watch) {
                    throw e;
                }
                undecodable(state, String.valueOf(e.getMessage()));
                return;
            }
            if (mismatch != null) {
                if (!watch) {
                    throw new FerryException("the binlog at " + position.file() + ":" + position.offset() + " does not match the schema ferry holds: "
                            + mismatch + "; the schema is out of date (a DDL ferry did not apply?)");
                }
                undecodable(state, "its structure differs from the schema ferry holds: " + mismatch);
                return;
            }
            state.schema = schema;
            state.decoder = decoder;
            state.types = types;
            state.members = members;
            state.undecodable = null;
        }
    }

    /**
     * A watched table whose rows cannot be decoded: they are counted, not handed on; the next
     * TABLE_MAP checks again.
     */
    private static void undecodable(TableState state, String reason)
    {
        state.schema = null;
        state.decoder = null;
        state.types = null;
        state.members = null;
        state.undecodable = reason;
    }

    private void onRows(Event event, EventDeserializers.Header header)
    {
        position.beginIfOutside(header);
        position.advance(header);
        EventData data = EventDataWrapper.internal(event.getData());
        if (EventDeserializers.isSkipped(data)) {
            skippedRowsEvents.incrementAndGet(0);
            return;
        }
        long tableId = tableId(data);
        TableState state = tables.get(tableId);
        if (state == null) {
            throw new FerryException("rows event at " + position.file() + ":" + position.offset() + " for table id " + tableId
                    + " without a TABLE_MAP before it");
        }
        if (!state.accepted) {
            skippedRowsEvents.incrementAndGet(0);
            return;
        }
        if (position.replaying()) {
            return;
        }
        PositionPair at = position.currentPair();
        if (state.decoder == null) {
            if (!watch) {
                throw new FerryException("rows event at " + position.file() + ":" + position.offset() + " for " + state.name + " without a usable TABLE_MAP");
            }
            position.markProgress();
            listener.onUndecodedRows(state.name, rowCount(data), state.undecodable, at);
            return;
        }
        List<RowEvent> events;
        try {
            events = decode(data, state, at);
        }
        catch (FerryException e) {
            if (!watch) {
                throw e;
            }
            position.markProgress();
            listener.onUndecodedRows(state.name, rowCount(data), String.valueOf(e.getMessage()), at);
            return;
        }
        position.markProgress();
        listener.onRowEvents(events, header.getTimestamp());
    }

    private static int rowCount(EventData data)
    {
        if (data instanceof WriteRowsEventData write) {
            return write.getRows().size();
        }
        if (data instanceof UpdateRowsEventData update) {
            return update.getRows().size();
        }
        return ((DeleteRowsEventData) data).getRows().size();
    }

    private static List<RowEvent> decode(EventData data, TableState state, PositionPair at)
    {
        RowImageDecoder decoder = state.decoder;
        TableSchema schema = state.schema;
        List<RowEvent> events;
        if (data instanceof WriteRowsEventData write) {
            events = new ArrayList<>(write.getRows().size());
            BitSet included = write.getIncludedColumns();
            // the library's row lists are LinkedLists: iterate, do not index
            for (Serializable[] row : write.getRows()) {
                events.add(new RowEvent(RowEvent.Type.INSERT, schema, null, decoder.decode(row, included), at));
            }
        }
        else if (data instanceof UpdateRowsEventData update) {
            events = new ArrayList<>(update.getRows().size());
            BitSet includedBefore = update.getIncludedColumnsBeforeUpdate();
            BitSet includedAfter = update.getIncludedColumns();
            for (Map.Entry<Serializable[], Serializable[]> row : update.getRows()) {
                Row before = decoder.decode(row.getKey(), includedBefore);
                Row after = decoder.decode(row.getValue(), includedAfter);
                events.add(new RowEvent(RowEvent.Type.UPDATE, schema, before, after, at));
            }
        }
        else {
            DeleteRowsEventData delete = (DeleteRowsEventData) data;
            events = new ArrayList<>(delete.getRows().size());
            BitSet included = delete.getIncludedColumns();
            for (Serializable[] row : delete.getRows()) {
                events.add(new RowEvent(RowEvent.Type.DELETE, schema, decoder.decode(row, included), null, at));
            }
        }
        return events;
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
            if (!position.inTransaction()) {
                listener.onTransactionStart();
            }
            position.beginIfOutside(header);
            position.explicitBegin(true);
            position.advance(header);
            return;
        }
        if ("COMMIT".equalsIgnoreCase(keyword) || "ROLLBACK".equalsIgnoreCase(keyword)) {
            position.advance(header);
            endTransaction(header);
            return;
        }
        position.beginIfOutside(header);
        position.advance(header);
        if (!position.replaying()) {
            position.markProgress();
            listener.onQuery(sql, query.getDatabase(), position.currentPair(), header.getTimestamp());
        }
        if (!position.explicitBegin()) {
            // a statement logged on its own (DDL) is a transaction of its own
            endTransaction(header);
        }
    }

    private static boolean startsWithIgnoreCase(String text, String prefix)
    {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private void onXid(Event event, EventDeserializers.Header header)
    {
        position.advance(header);
        endTransaction(header);
    }

    private void onGtid(Event event, EventDeserializers.Header header)
    {
        closeDangling(header);
        listener.onTransactionStart();
        position.begin(header);
        if (header.getEventType() == EventType.GTID) {
            GtidEventData gtid = (GtidEventData) EventDataWrapper.internal(event.getData());
            position.pendingGtid(gtid.getMySqlGtid().toString());
        }
        position.advance(header);
    }

    private void onMariaDbGtid(Event event, EventDeserializers.Header header)
    {
        closeDangling(header);
        MariadbGtidEventData gtid = (MariadbGtidEventData) EventDataWrapper.internal(event.getData());
        listener.onTransactionStart();
        position.begin(header);
        // read by file and offset, the event's own server id field is 0: the header has the real one
        position.pendingGtid(gtid.getDomainId() + "-" + header.getServerId() + "-" + gtid.getSequence());
        // a group without the standalone flag is a transaction ending with XID or COMMIT
        position.explicitBegin((gtid.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0);
        position.advance(header);
    }

    private void onPreviousGtids(Event event, EventDeserializers.Header header)
    {
        PreviousGtidSetEventData previous = (PreviousGtidSetEventData) EventDataWrapper.internal(event.getData());
        position.observeGtids(previous.getGtidSet());
        position.advance(header);
    }

    private void onMariaDbGtidList(Event event, EventDeserializers.Header header)
    {
        MariadbGtidListEventData list = (MariadbGtidListEventData) EventDataWrapper.internal(event.getData());
        if (list.getMariaGTIDSet() != null) {
            position.observeGtids(list.getMariaGTIDSet().toSeenString());
        }
        position.advance(header);
    }

    /**
     * A new transaction starts while one is open: the open one ended without a commit event
     * (a MariaDB standalone group with rows); close it here, before the new one's first event.
     */
    private void closeDangling(EventDeserializers.Header next)
    {
        if (position.inTransaction()) {
            endTransaction(next);
        }
    }

    /**
     * @param header the event that ended the transaction (or, for a dangling one, the next
     *        transaction's first event), whose timestamp the listener gets
     */
    private void endTransaction(EventDeserializers.Header header)
    {
        if (position.endTransaction()) {
            listener.onTransactionEnd(position.currentPair(), header.getTimestamp());
        }
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
        // why a watched table's rows cannot be decoded now; null when they can
        String undecodable;

        TableState(long tableId, String database, String table, TableName name)
        {
            this.tableId = tableId;
            this.database = database;
            this.table = table;
            this.name = name;
        }
    }
}
