package dev.ferry.runtime.binlog;

import com.github.shyiko.mysql.binlog.event.AnnotateRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RowsQueryEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.EventDataWrapper;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.ferry.runtime.binlog.JsonBinaryWriter.little;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw binlog events through the streamer's deserializers.
 */
class EventDeserializersTest
{
    private static final long TABLE_ID = 42;
    // TIME(6), DATETIME(6), BIT(10), CHAR(3) utf8mb4, ENUM, JSON, BIGINT, DATE, TIMESTAMP(3)
    private static final byte[] TYPES = {19, 18, 16, (byte) 254, (byte) 254, (byte) 245, 8, 10, 17};

    @Test
    void lossyCellsArriveExact()
            throws Exception
    {
        EventDeserializer deserializer = EventDeserializers.create(tableId -> true);
        ByteArrayInputStream in = stream(tableMap(true), writeRows());
        Event map = deserializer.nextEvent(in);
        assertEquals(EventType.TABLE_MAP, map.getHeader().getEventType());
        EventDeserializers.TableMap tableMap = (EventDeserializers.TableMap) EventDataWrapper.internal(map.getData());
        assertEquals("dé", tableMap.getDatabase());
        assertEquals("t😀", tableMap.getTable());
        byte[][][] members = tableMap.members();
        assertArrayEquals(new byte[][] {bytes("x"), bytes("😀")}, members[4]);
        assertNull(members[3]);

        Event rows = deserializer.nextEvent(in);
        WriteRowsEventData data = (WriteRowsEventData) EventDataWrapper.internal(rows.getData());
        assertFalse(EventDeserializers.isSkipped(data));
        Serializable[] row = data.getRows().get(0);
        assertEquals("-838:59:59.000000", text(row[0]));
        assertEquals("1000-01-01 00:00:00.000001", text(row[1]));
        assertArrayEquals(new byte[] {0x02, 0x01}, (byte[]) row[2]);
        assertEquals("ab ", text(row[3]));
        assertEquals(2, row[4]);
        assertEquals("{\"a\": [1, 2.0]}", text(row[5]));
        assertEquals(-1L, row[6]);
        assertEquals("1000-01-01", text(row[7]));
        assertEquals("2038-01-19 03:14:07.999", text(row[8]));
        assertNull(data.getRows().get(1)[0]);
    }

    @Test
    void rowsOfUnwantedTablesAreNotDecoded()
            throws Exception
    {
        EventDeserializer deserializer = EventDeserializers.create(tableId -> tableId != TABLE_ID);
        ByteArrayInputStream in = stream(tableMap(false), writeRows(), query());
        deserializer.nextEvent(in);
        Event rows = deserializer.nextEvent(in);
        assertTrue(EventDeserializers.isSkipped(EventDataWrapper.internal(rows.getData())));
        // the stream stays aligned on the next event
        Event query = deserializer.nextEvent(in);
        assertEquals(EventType.QUERY, query.getHeader().getEventType());
    }

    @Test
    void queriesAreUtf8AndUnknownEventsKeepTheirCode()
            throws Exception
    {
        EventDeserializer deserializer = EventDeserializers.create(tableId -> true);
        ByteArrayInputStream in = stream(query(), event(169, new byte[] {1, 2, 3}));
        Event query = deserializer.nextEvent(in);
        QueryEventData data = (QueryEventData) EventDataWrapper.internal(query.getData());
        assertEquals("CREATE TABLE `t😀` (c VARCHAR(3) DEFAULT 'é')", data.getSql());
        assertEquals("dé", data.getDatabase());
        Event unknown = deserializer.nextEvent(in);
        assertEquals(EventType.UNKNOWN, unknown.getHeader().getEventType());
        assertEquals(169, ((EventDeserializers.Header) unknown.getHeader()).typeCode());
    }

    /**
     * A watch of the target reads the start of each statement's text (MariaDB ANNOTATE_ROWS, type
     * 160; MySQL ROWS_QUERY, type 29, after a length byte): enough for ferry's tag, not the values
     * of a copy INSERT.
     */
    @Test
    void statementTextsAreReadUpToTheirStart()
            throws Exception
    {
        String tagged = "/* ferry run 1234567890 */ INSERT INTO `shop`.`big` (`id`,`c`) VALUES " + "(?,'é'),".repeat(500) + "(?,'é')";
        byte[] annotate = bytes(tagged);
        ByteArrayOutputStream rowsQuery = new ByteArrayOutputStream();
        rowsQuery.write(255);
        byte[] update = bytes("UPDATE shop.big SET c='TAMPERED' WHERE id=778");
        rowsQuery.write(update, 0, update.length);

        EventDeserializer deserializer = EventDeserializers.create(tableId -> true, true);
        ByteArrayInputStream in = stream(event(160, annotate), event(29, rowsQuery.toByteArray()), query());
        Event first = deserializer.nextEvent(in);
        assertEquals(EventType.ANNOTATE_ROWS, first.getHeader().getEventType());
        String text = ((AnnotateRowsEventData) EventDataWrapper.internal(first.getData())).getRowsQuery();
        assertEquals(EventDeserializers.STATEMENT_TEXT_CHARS, text.length());
        assertEquals(tagged.substring(0, EventDeserializers.STATEMENT_TEXT_CHARS), text);
        Event second = deserializer.nextEvent(in);
        assertEquals("UPDATE shop.big SET c='TAMPERED' WHERE id=778", ((RowsQueryEventData) EventDataWrapper.internal(second.getData())).getQuery());
        assertEquals(EventType.QUERY, deserializer.nextEvent(in).getHeader().getEventType());

        // the source's stream skips them, and stays aligned
        EventDeserializer skipping = EventDeserializers.create(tableId -> true);
        ByteArrayInputStream again = stream(event(160, annotate), event(29, rowsQuery.toByteArray()), query());
        assertNull(EventDataWrapper.internal(skipping.nextEvent(again).getData()));
        assertNull(EventDataWrapper.internal(skipping.nextEvent(again).getData()));
        assertEquals(EventType.QUERY, skipping.nextEvent(again).getHeader().getEventType());
    }

    @Test
    void tableMapWithoutOptionalMetadata()
            throws Exception
    {
        EventDeserializer deserializer = EventDeserializers.create(tableId -> true);
        Event map = deserializer.nextEvent(stream(tableMap(false)));
        EventDeserializers.TableMap tableMap = (EventDeserializers.TableMap) EventDataWrapper.internal(map.getData());
        assertNull(tableMap.members());
        assertArrayEquals(TYPES, tableMap.getColumnTypes());
        assertEquals(6, tableMap.getColumnMetadata()[0]);
        assertEquals(1 << 8 | 2, tableMap.getColumnMetadata()[2]);
        assertEquals(0xF7 << 8 | 1, tableMap.getColumnMetadata()[4]);
    }

    private static byte[] tableMap(boolean withMembers)
    {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        little(body, TABLE_ID, 6);
        little(body, 1, 2);
        name(body, "dé");
        name(body, "t😀");
        body.write(TYPES.length);
        body.write(TYPES, 0, TYPES.length);
        byte[] metadata = {6, 6, 2, 1, (byte) 0xFE, 12, (byte) 0xF7, 1, 4, 3};
        body.write(metadata.length);
        body.write(metadata, 0, metadata.length);
        little(body, 0x1FF, 2);
        if (withMembers) {
            // an unknown field first: skipped by its length
            body.write(99);
            body.write(2);
            body.write(7);
            body.write(7);
            ByteArrayOutputStream values = new ByteArrayOutputStream();
            values.write(2);
            value(values, "x");
            value(values, "😀");
            body.write(6);
            body.write(values.size());
            body.write(values.toByteArray(), 0, values.size());
        }
        return event(19, body.toByteArray());
    }

    private static byte[] writeRows()
    {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        little(body, TABLE_ID, 6);
        little(body, 1, 2);
        body.write(TYPES.length);
        little(body, 0x1FF, 2);
        // row 1: nothing null
        little(body, 0, 2);
        long time = -((838L << 12 | 59 << 6 | 59) << 24);
        big(body, time + 0x800000000000L, 6);
        long ymd = ((1000L * 13 + 1) << 5) | 1;
        big(body, (ymd << 17) + 0x8000000000L, 5);
        big(body, 1, 3);
        body.write(0x02);
        body.write(0x01);
        body.write(3);
        body.write('a');
        body.write('b');
        body.write(' ');
        body.write(2);
        byte[] json = JsonBinaryWriter.document(Map.of("a", List.of(1, 2.0)));
        little(body, json.length, 4);
        body.write(json, 0, json.length);
        little(body, -1L, 8);
        little(body, 1000 << 9 | 1 << 5 | 1, 3);
        big(body, 2147483647L, 4);
        // fsp 3 and 4 store hundreds of microseconds
        big(body, 9990, 2);
        // row 2: all null
        little(body, 0x1FF, 2);
        return event(23, body.toByteArray());
    }

    private static byte[] query()
    {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        little(body, 7, 4);
        little(body, 0, 4);
        byte[] database = bytes("dé");
        body.write(database.length);
        little(body, 0, 2);
        little(body, 2, 2);
        body.write(0);
        body.write(0);
        body.write(database, 0, database.length);
        body.write(0);
        byte[] sql = bytes("CREATE TABLE `t😀` (c VARCHAR(3) DEFAULT 'é')");
        body.write(sql, 0, sql.length);
        return event(2, body.toByteArray());
    }

    private static byte[] event(int type, byte[] body)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        little(out, 1_700_000_000L, 4);
        out.write(type);
        little(out, 1, 4);
        little(out, 19 + body.length, 4);
        little(out, 1000, 4);
        little(out, 0, 2);
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    private static ByteArrayInputStream stream(byte[]... events)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] event : events) {
            out.write(event, 0, event.length);
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static void name(ByteArrayOutputStream out, String name)
    {
        byte[] bytes = bytes(name);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
        out.write(0);
    }

    private static void value(ByteArrayOutputStream out, String value)
    {
        byte[] bytes = bytes(value);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void big(ByteArrayOutputStream out, long value, int length)
    {
        for (int i = length - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Serializable value)
    {
        return new String((byte[]) value, StandardCharsets.UTF_8);
    }
}
