package dev.ferry.runtime.binlog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes MySQL's binary JSON (small objects and arrays only), for tests. Values: Map (object,
 * keys in the given order), List (array), String, Integer (int32), Long (int64), Double, Boolean,
 * null, or {@link Opaque}.
 */
final class JsonBinaryWriter
{
    record Opaque(int fieldType, byte[] data) {}

    private JsonBinaryWriter() {}

    static byte[] document(Object value)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type(value));
        byte[] body = body(value);
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    private static int type(Object value)
    {
        if (value instanceof Map) {
            return 0x00;
        }
        if (value instanceof List) {
            return 0x02;
        }
        if (value == null || value instanceof Boolean) {
            return 0x04;
        }
        if (value instanceof Integer) {
            return 0x07;
        }
        if (value instanceof Long) {
            return 0x09;
        }
        if (value instanceof Double) {
            return 0x0b;
        }
        if (value instanceof String) {
            return 0x0c;
        }
        if (value instanceof Opaque) {
            return 0x0f;
        }
        throw new IllegalArgumentException(String.valueOf(value));
    }

    private static byte[] body(Object value)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (value instanceof Map<?, ?> map) {
            container(out, List.copyOf(map.keySet()), List.copyOf(map.values()));
        }
        else if (value instanceof List<?> list) {
            container(out, null, list);
        }
        else if (value == null) {
            out.write(0);
        }
        else if (value instanceof Boolean bool) {
            out.write(bool ? 1 : 2);
        }
        else if (value instanceof Integer number) {
            little(out, number, 4);
        }
        else if (value instanceof Long number) {
            little(out, number, 8);
        }
        else if (value instanceof Double number) {
            little(out, Double.doubleToRawLongBits(number), 8);
        }
        else if (value instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            variableLength(out, bytes.length);
            out.write(bytes, 0, bytes.length);
        }
        else if (value instanceof Opaque opaque) {
            out.write(opaque.fieldType());
            variableLength(out, opaque.data().length);
            out.write(opaque.data(), 0, opaque.data().length);
        }
        return out.toByteArray();
    }

    private static void container(ByteArrayOutputStream out, List<?> keys, List<?> values)
    {
        int count = values.size();
        int header = 4 + (keys == null ? 0 : 4 * count) + 3 * count;
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        int[] keyOffsets = new int[count];
        if (keys != null) {
            for (int i = 0; i < count; i++) {
                keyOffsets[i] = header + tail.size();
                byte[] key = ((String) keys.get(i)).getBytes(StandardCharsets.UTF_8);
                tail.write(key, 0, key.length);
            }
        }
        int[] valueOffsets = new int[count];
        for (int i = 0; i < count; i++) {
            Object value = values.get(i);
            if (value == null || value instanceof Boolean) {
                continue;
            }
            valueOffsets[i] = header + tail.size();
            byte[] body = body(value);
            tail.write(body, 0, body.length);
        }
        little(out, count, 2);
        little(out, header + tail.size(), 2);
        if (keys != null) {
            for (int i = 0; i < count; i++) {
                little(out, keyOffsets[i], 2);
                little(out, ((String) keys.get(i)).getBytes(StandardCharsets.UTF_8).length, 2);
            }
        }
        for (int i = 0; i < count; i++) {
            Object value = values.get(i);
            out.write(type(value));
            if (value == null) {
                little(out, 0, 2);
            }
            else if (value instanceof Boolean bool) {
                little(out, bool ? 1 : 2, 2);
            }
            else {
                little(out, valueOffsets[i], 2);
            }
        }
        byte[] bytes = tail.toByteArray();
        out.write(bytes, 0, bytes.length);
    }

    private static void variableLength(ByteArrayOutputStream out, int length)
    {
        do {
            int next = length & 0x7F;
            length >>>= 7;
            out.write(length != 0 ? next | 0x80 : next);
        }
        while (length != 0);
    }

    static void little(ByteArrayOutputStream out, long value, int bytes)
    {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
