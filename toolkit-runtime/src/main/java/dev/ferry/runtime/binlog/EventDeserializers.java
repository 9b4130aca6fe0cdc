package dev.ferry.runtime.binlog;

import com.github.shyiko.mysql.binlog.event.AnnotateRowsEventData;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.LRUCache;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RowsQueryEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.CompatibilityMode;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.EventDataWrapper;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidListEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.PreviousGtidSetDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RotateEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The library's event deserializer set up so that row values reach {@link RowImageDecoder}
 * without loss.
 *
 * <p>Compared to the library's defaults:
 * <ul>
 * <li>DATE, TIME, DATETIME and TIMESTAMP cells (old and fractional formats) are decoded here into
 *     MySQL's text form ({@code byte[]}); the library is wrong for negative TIME and dates before
 *     1582 in every compatibility mode, and only the binlog's type code tells the formats apart.</li>
 * <li>JSON cells (MySQL's binary JSON) become MySQL's JSON text ({@code byte[]}); only the type
 *     code tells them from MariaDB's JSON, which is a text BLOB.</li>
 * <li>BIT cells stay the big-endian bytes MySQL returns for them instead of a BitSet.</li>
 * <li>CHAR, VARCHAR, BINARY and VARBINARY stay bytes ({@code CHAR_AND_BINARY_AS_BYTE_ARRAY}).</li>
 * <li>Rows of tables the streamer does not accept are skipped without decoding any cell.</li>
 * <li>TABLE_MAP ignores the optional metadata block and reads names as UTF-8; QUERY reads its
 *     database and SQL as UTF-8 instead of the platform charset.</li>
 * <li>The event header keeps the raw type code, so that events the library does not know
 *     (MariaDB's compressed events among them) can be named and refused.</li>
 * </ul>
 *
 * <p>Everything else keeps the library's types: Integer/Long for integers (signed; the decoder
 * fixes unsigned ones), Float, Double, BigDecimal, Integer for YEAR and ENUM, Long for SET.
 */
final class EventDeserializers
{
    /**
     * How much of a statement's text {@code ANNOTATE_ROWS} and {@code ROWS_QUERY} events are read
     * for: enough for a leading comment (a copy INSERT's text holds all its values).
     */
    static final int STATEMENT_TEXT_CHARS = 200;

    private static final Serializable[] SKIPPED_ROW = new Serializable[0];

    private EventDeserializers() {}

    /**
     * A deserializer for one connection that skips the statement text of rows events.
     *
     * @param acceptTable whether rows of the table with this table id are wanted; called on the
     *        reading thread for every row of every rows event
     */
    static EventDeserializer create(LongPredicate acceptTable)
    {
        return create(acceptTable, false);
    }

    /**
     * A deserializer for one connection.
     *
     * @param acceptTable whether rows of the table with this table id are wanted; called on the
     *        reading thread for every row of every rows event
     * @param statementText whether {@code ANNOTATE_ROWS} and {@code ROWS_QUERY} events are read
     *        (the first {@value #STATEMENT_TEXT_CHARS} characters of their text)
     */
    static EventDeserializer create(LongPredicate acceptTable, boolean statementText)
    {
        Map<Long, TableMapEventData> tableMaps = new LRUCache<>(100, 0.75f, 10000);
        Map<EventType, EventDataDeserializer> deserializers = new EnumMap<>(EventType.class);
        deserializers.put(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
        deserializers.put(EventType.ROTATE, new RotateEventDataDeserializer());
        deserializers.put(EventType.QUERY, new QueryDeserializer());
        // the library re-parses TABLE_MAP with its own class unless the registered one is a wrapper
        TableMapDeserializer tableMap = new TableMapDeserializer();
        deserializers.put(EventType.TABLE_MAP, new EventDataWrapper.Deserializer(tableMap, tableMap));
        deserializers.put(EventType.XID, new XidEventDataDeserializer());
        deserializers.put(EventType.WRITE_ROWS, new WriteRows(tableMaps, acceptTable, false));
        deserializers.put(EventType.UPDATE_ROWS, new UpdateRows(tableMaps, acceptTable, false));
        deserializers.put(EventType.DELETE_ROWS, new DeleteRows(tableMaps, acceptTable, false));
        deserializers.put(EventType.EXT_WRITE_ROWS, new WriteRows(tableMaps, acceptTable, true));
        deserializers.put(EventType.EXT_UPDATE_ROWS, new UpdateRows(tableMaps, acceptTable, true));
        deserializers.put(EventType.EXT_DELETE_ROWS, new DeleteRows(tableMaps, acceptTable, true));
        deserializers.put(EventType.GTID, new GtidEventDataDeserializer());
        deserializers.put(EventType.PREVIOUS_GTIDS, new PreviousGtidSetDeserializer());
        deserializers.put(EventType.MARIADB_GTID, new MariadbGtidEventDataDeserializer());
        deserializers.put(EventType.MARIADB_GTID_LIST, new MariadbGtidListEventDataDeserializer());
        if (statementText) {
            deserializers.put(EventType.ANNOTATE_ROWS, new AnnotateRowsDeserializer());
            deserializers.put(EventType.ROWS_QUERY, new RowsQueryDeserializer());
        }
        // every other type (ROWS_QUERY, ANNOTATE_ROWS, HEARTBEAT, INTVAR, ...) carries nothing ferry
        // reads; its body is skipped
        EventDeserializer deserializer = new EventDeserializer(new HeaderDeserializer(), new NullEventDataDeserializer(), deserializers, tableMaps);
        deserializer.setCompatibilityMode(CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY, CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO);
        return deserializer;
    }

    /**
     * An event header that remembers the type code as sent, also when the library maps it to
     * {@link EventType#UNKNOWN}.
     */
    static final class Header
            extends EventHeaderV4
    {
        private int typeCode;

        int typeCode()
        {
            return typeCode;
        }

        void setTypeCode(int typeCode)
        {
            this.typeCode = typeCode;
        }
    }

    static final class HeaderDeserializer
            implements EventHeaderDeserializer<Header>
    {
        @Override
        public Header deserialize(ByteArrayInputStream inputStream)
                throws IOException
        {
            Header header = new Header();
            header.setTimestamp(inputStream.readLong(4) * 1000L);
            int typeCode = inputStream.readInteger(1);
            EventType type = EventType.byEventNumber(typeCode);
            header.setTypeCode(typeCode);
            header.setEventType(type == null ? EventType.UNKNOWN : type);
            header.setServerId(inputStream.readLong(4));
            header.setEventLength(inputStream.readLong(4));
            header.setNextPosition(inputStream.readLong(4));
            header.setFlags(inputStream.readInteger(2));
            return header;
        }
    }

    /**
     * The start of a statement text that fills the rest of an event, as UTF-8 (a character cut at
     * the end becomes U+FFFD); the rest is skipped.
     */
    static String statementStart(ByteArrayInputStream inputStream)
            throws IOException
    {
        int available = inputStream.available();
        // UTF-8 takes up to 4 bytes a character
        int length = Math.min(available, STATEMENT_TEXT_CHARS * 4);
        String text = new String(inputStream.read(length), StandardCharsets.UTF_8);
        inputStream.skip(available - length);
        return text.length() > STATEMENT_TEXT_CHARS ? text.substring(0, STATEMENT_TEXT_CHARS) : text;
    }

    /**
     * MariaDB's ANNOTATE_ROWS: the statement text is the whole body.
     */
    static final class AnnotateRowsDeserializer
            implements EventDataDeserializer<AnnotateRowsEventData>
    {
        @Override
        public AnnotateRowsEventData deserialize(ByteArrayInputStream inputStream)
                throws IOException
        {
            AnnotateRowsEventData data = new AnnotateRowsEventData();
            data.setRowsQuery(statementStart(inputStream));
            return data;
        }
    }

    /**
     * MySQL's ROWS_QUERY: a length byte (of at most 255, so not the real length), then the text.
     */
    static final class RowsQueryDeserializer
            implements EventDataDeserializer<RowsQueryEventData>
    {
        @Override
        public RowsQueryEventData deserialize(ByteArrayInputStream inputStream)
                throws IOException
        {
            inputStream.skip(1);
            RowsQueryEventData data = new RowsQueryEventData();
            data.setQuery(statementStart(inputStream));
            return data;
        }
    }

    /**
     * QUERY with database and SQL read as UTF-8.
     */
    static final class QueryDeserializer
            implements EventDataDeserializer<QueryEventData>
    {
        @Override
        public QueryEventData deserialize(ByteArrayInputStream inputStream)
                throws IOException
        {
            QueryEventData data = new QueryEventData();
            data.setThreadId(inputStream.readLong(4));
            data.setExecutionTime(inputStream.readLong(4));
            int databaseLength = inputStream.readInteger(1);
            data.setErrorCode(inputStream.readInteger(2));
            inputStream.skip(inputStream.readInteger(2));
            data.setDatabase(new String(inputStream.read(databaseLength), StandardCharsets.UTF_8));
            inputStream.skip(1);
            data.setSql(new String(inputStream.read(inputStream.available()), StandardCharsets.UTF_8));
            return data;
        }
    }

    /**
     * TABLE_MAP without the optional metadata (ferry takes column facts from the schema) and
     * with names read as UTF-8.
     */
    /**
     * A TABLE_MAP with the exact ENUM and SET members when the server logs them.
     */
    static final class TableMap
            extends TableMapEventData
    {
        private byte[][][] members;

        /**
         * Members by column index (null for other columns), or null when the event has none.
         */
        byte[][][] members()
        {
            return members;
        }
    }

    /**
     * The real type of a column: CHAR, ENUM and SET all travel as STRING with the real type in the
     * metadata's high byte.
     */
    static int realType(int code, int metadata)
    {
        if (code == 254 && metadata >= 256) {
            int real = metadata >> 8;
            if (real == 247 || real == 248) {
                return real;
            }
        }
        return code;
    }

    private static final int SET_STR_VALUE = 5;
    private static final int ENUM_STR_VALUE = 6;

    static final class TableMapDeserializer
            implements EventDataDeserializer<TableMap>
    {
        @Override
        public TableMap deserialize(ByteArrayInputStream inputStream)
                throws IOException
        {
            TableMap data = new TableMap();
            data.setTableId(inputStream.readLong(6));
            inputStream.skip(2);
            data.setDatabase(readName(inputStream));
            data.setTable(readName(inputStream));
            int columnCount = inputStream.readPackedInteger();
            byte[] types = inputStream.read(columnCount);
            data.setColumnTypes(types);
            int metadataLength = inputStream.readPackedInteger();
            byte[] metadata = inputStream.read(metadataLength);
            data.setColumnMetadata(columnMetadata(types, metadata, data));
            data.setColumnNullability(inputStream.readBitSet(columnCount, true));
            int optional = inputStream.available();
            if (optional > 0) {
                data.members = members(inputStream.read(optional), types, data.getColumnMetadata());
            }
            return data;
        }

        /**
         * The ENUM and SET members of the optional metadata ({@code binlog_row_metadata=FULL}),
         * exact bytes in the column charset, by column; null when absent or unreadable. Every
         * field is type, length, value: unknown fields are skipped.
         */
        static byte[][][] members(byte[] optional, byte[] types, int[] metadata)
        {
            byte[][][] result = null;
            try {
                ByteArrayInputStream in = new ByteArrayInputStream(optional);
                while (in.available() > 0) {
                    int fieldType = in.readInteger(1);
                    int length = in.readPackedInteger();
                    if (fieldType == SET_STR_VALUE || fieldType == ENUM_STR_VALUE) {
                        int wanted = fieldType == SET_STR_VALUE ? 248 : 247;
                        ByteArrayInputStream values = new ByteArrayInputStream(in.read(length));
                        if (result == null) {
                            result = new byte[types.length][][];
                        }
                        for (int i = 0; i < types.length; i++) {
                            if (realType(types[i] & 0xFF, metadata[i]) != wanted) {
                                continue;
                            }
                            byte[][] column = new byte[values.readPackedInteger()][];
                            for (int j = 0; j < column.length; j++) {
                                column[j] = values.read(values.readPackedInteger());
                            }
                            result[i] = column;
                        }
                    }
                    else {
                        in.skip(length);
                    }
                }
            }
            catch (IOException | RuntimeException e) {
                // the schema's members serve instead
                return null;
            }
            return result;
        }

        private static String readName(ByteArrayInputStream inputStream)
                throws IOException
        {
            int length = inputStream.readInteger(1);
            String name = new String(inputStream.read(length), StandardCharsets.UTF_8);
            inputStream.skip(1);
            return name;
        }

        private static int[] columnMetadata(byte[] types, byte[] metadata, TableMapEventData table)
                throws IOException
        {
            int[] result = new int[types.length];
            int position = 0;
            for (int i = 0; i < types.length; i++) {
                int code = types[i] & 0xFF;
                ColumnType type = ColumnType.byCode(code);
                if (type == null) {
                    throw new IOException("column " + (i + 1) + " of " + table.getDatabase() + "." + table.getTable()
                            + " has binlog type code " + code + ", which ferry cannot decode");
                }
                switch (type) {
                    case FLOAT:
                    case DOUBLE:
                    case BLOB:
                    case JSON:
                    case GEOMETRY:
                    case TIME_V2:
                    case DATETIME_V2:
                    case TIMESTAMP_V2:
                        result[i] = metadata[position] & 0xFF;
                        position += 1;
                        break;
                    case BIT:
                    case VARCHAR:
                    case NEWDECIMAL:
                        result[i] = (metadata[position] & 0xFF) | (metadata[position + 1] & 0xFF) << 8;
                        position += 2;
                        break;
                    case SET:
                    case ENUM:
                    case STRING:
                        result[i] = (metadata[position] & 0xFF) << 8 | (metadata[position + 1] & 0xFF);
                        position += 2;
                        break;
                    default:
                        result[i] = 0;
                }
            }
            return result;
        }
    }

    /**
     * Reads the cells whose library decoding loses information; null when the library's own
     * decoding is exact.
     */
    static final class Cells
    {
        private final byte[] scratch = new byte[8];

        Serializable read(ColumnType type, int meta, ByteArrayInputStream in)
                throws IOException
        {
            switch (type) {
                case DATE:
                    return TemporalText.date(in.readInteger(3));
                case TIME:
                    return TemporalText.oldTime(in.readInteger(3));
                case TIME_V2:
                    in.fill(scratch, 0, 3 + TemporalText.fractionBytes(meta));
                    return TemporalText.time2(scratch, 0, meta);
                case DATETIME:
                    return TemporalText.oldDatetime(in.readLong(8));
                case DATETIME_V2:
                    in.fill(scratch, 0, 5 + TemporalText.fractionBytes(meta));
                    return TemporalText.datetime2(scratch, 0, meta);
                case TIMESTAMP:
                    return TemporalText.timestamp(in.readLong(4), 0, 0);
                case TIMESTAMP_V2:
                    in.fill(scratch, 0, 4 + TemporalText.fractionBytes(meta));
                    return TemporalText.timestamp2(scratch, 0, meta);
                case BIT: {
                    int bits = (meta >> 8) * 8 + (meta & 0xFF);
                    return in.read((bits + 7) >> 3);
                }
                case JSON:
                    return MySqlJsonText.toText(in.read(in.readInteger(meta)));
                default:
                    return null;
            }
        }
    }

    private static boolean skipUnwanted(LongPredicate acceptTable, long tableId, ByteArrayInputStream in)
            throws IOException
    {
        if (acceptTable.test(tableId)) {
            return false;
        }
        in.skip(in.available());
        return true;
    }

    static final class WriteRows
            extends WriteRowsEventDataDeserializer
    {
        private final Cells cells = new Cells();
        private final LongPredicate acceptTable;

        WriteRows(Map<Long, TableMapEventData> tableMaps, LongPredicate acceptTable, boolean extended)
        {
            super(tableMaps);
            this.acceptTable = acceptTable;
            setMayContainExtraInformation(extended);
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet includedColumns, ByteArrayInputStream in)
                throws IOException
        {
            return skipUnwanted(acceptTable, tableId, in) ? SKIPPED_ROW : super.deserializeRow(tableId, includedColumns, in);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException
        {
            Serializable value = cells.read(type, meta, in);
            return value != null ? value : super.deserializeCell(type, meta, length, in);
        }
    }

    static final class UpdateRows
            extends UpdateRowsEventDataDeserializer
    {
        private final Cells cells = new Cells();
        private final LongPredicate acceptTable;

        UpdateRows(Map<Long, TableMapEventData> tableMaps, LongPredicate acceptTable, boolean extended)
        {
            super(tableMaps);
            this.acceptTable = acceptTable;
            setMayContainExtraInformation(extended);
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet includedColumns, ByteArrayInputStream in)
                throws IOException
        {
            return skipUnwanted(acceptTable, tableId, in) ? SKIPPED_ROW : super.deserializeRow(tableId, includedColumns, in);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException
        {
            Serializable value = cells.read(type, meta, in);
            return value != null ? value : super.deserializeCell(type, meta, length, in);
        }
    }

    static final class DeleteRows
            extends DeleteRowsEventDataDeserializer
    {
        private final Cells cells = new Cells();
        private final LongPredicate acceptTable;

        DeleteRows(Map<Long, TableMapEventData> tableMaps, LongPredicate acceptTable, boolean extended)
        {
            super(tableMaps);
            this.acceptTable = acceptTable;
            setMayContainExtraInformation(extended);
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet includedColumns, ByteArrayInputStream in)
                throws IOException
        {
            return skipUnwanted(acceptTable, tableId, in) ? SKIPPED_ROW : super.deserializeRow(tableId, includedColumns, in);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException
        {
            Serializable value = cells.read(type, meta, in);
            return value != null ? value : super.deserializeCell(type, meta, length, in);
        }
    }

    /**
     * Whether the rows event data came from a table whose rows were skipped.
     */
    static boolean isSkipped(EventData data)
    {
        if (data instanceof WriteRowsEventData write) {
            return !write.getRows().isEmpty() && write.getRows().get(0) == SKIPPED_ROW;
        }
        if (data instanceof UpdateRowsEventData update) {
            return !update.getRows().isEmpty() && update.getRows().get(0).getKey() == SKIPPED_ROW;
        }
        if (data instanceof DeleteRowsEventData delete) {
            return !delete.getRows().isEmpty() && delete.getRows().get(0) == SKIPPED_ROW;
        }
        return false;
    }
}
