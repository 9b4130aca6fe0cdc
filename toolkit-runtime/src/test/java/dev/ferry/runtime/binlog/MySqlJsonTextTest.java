package dev.ferry.runtime.binlog;

import dev.ferry.runtime.binlog.JsonBinaryWriter.Opaque;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MySqlJsonTextTest
{
    @Test
    void objectsAndArraysWithMySqlsSeparators()
            throws Exception
    {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", 1);
        object.put("b", Arrays.asList(true, null, false, "x"));
        object.put("cc", Map.of());
        assertEquals("{\"a\": 1, \"b\": [true, null, false, \"x\"], \"cc\": {}}", text(object));
        assertEquals("[]", text(List.of()));
        assertEquals("[[1, 2], {\"k\": [3]}]", text(List.of(List.of(1, 2), Map.of("k", List.of(3)))));
    }

    @Test
    void scalarsAtTheTop()
            throws Exception
    {
        assertEquals("\"string\"", text("string"));
        assertEquals("9223372036854775807", text(Long.MAX_VALUE));
        assertEquals("null", new String(MySqlJsonText.toText(new byte[] {0x04, 0x00}), StandardCharsets.UTF_8));
        assertEquals("true", new String(MySqlJsonText.toText(new byte[] {0x04, 0x01}), StandardCharsets.UTF_8));
        // an empty JSON value in the binlog reads as null
        assertEquals("null", new String(MySqlJsonText.toText(new byte[0]), StandardCharsets.UTF_8));
    }

    @Test
    void doublesKeepTheirPoint()
            throws Exception
    {
        assertEquals("[1.0, 0.5, 1e300, -0.0, 100000000000000.0, 1e15, 0.1, 5e-324]",
                text(List.of(1.0, 0.5, 1e300, -0.0, 1e14, 1e15, 0.1, Double.MIN_VALUE)));
    }

    @Test
    void stringsEscapedLikeMySql()
            throws Exception
    {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f/é😀\"", text("a\"b\\c\nd\te\u0001\u001f/é😀"));
        assertEquals("{\"k\\\"ey\": \"v\"}", text(Map.of("k\"ey", "v")));
    }

    @Test
    void opaqueValues()
            throws Exception
    {
        long packedTime = -(((1L << 12) << 24) + 500000);
        long ymd = ((2024L * 13 + 2) << 5) | 29;
        long packedDatetime = (((ymd << 17) | (12L << 12) | (34 << 6) | 56) << 24) + 789;
        List<Object> values = new ArrayList<>();
        values.add(new Opaque(11, little(packedTime)));
        values.add(new Opaque(12, little(packedDatetime)));
        values.add(new Opaque(10, little(ymd << 17 << 24)));
        values.add(new Opaque(246, new byte[] {3, 2, (byte) 0x81, 0x32}));
        values.add(new Opaque(252, new byte[] {1, 2, 3}));
        values.add(new Opaque(253, "plain".getBytes(StandardCharsets.UTF_8)));
        values.add(new Opaque(11, little(-(((0L << 12 | 1) << 24)))));
        assertEquals("[\"-01:00:00.500000\", \"2024-02-29 12:34:56.000789\", \"2024-02-29\", 1.50, \"base64:type252:AQID\", \"plain\", "
                + "\"-00:00:01.000000\"]", text(values));
        byte[] long76 = new byte[60];
        String encoded = text(List.of(new Opaque(15, long76)));
        assertEquals("[\"base64:type15:" + "A".repeat(76) + "\\n" + "A".repeat(4) + "\"]", encoded);
    }

    private static byte[] little(long value)
    {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    private static String text(Object value)
            throws Exception
    {
        return new String(MySqlJsonText.toText(JsonBinaryWriter.document(value)), StandardCharsets.UTF_8);
    }
}
