package dev.ferry.plugins.verifiers;

import java.io.ByteArrayOutputStream;

/**
 * Writes valid Snappy blocks two different ways, so tests can store equal data compressed
 * differently.
 */
final class TestingSnappy
{
    private TestingSnappy() {}

    /**
     * One literal element holding everything.
     */
    static byte[] literalsOnly(byte[] data)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, data.length);
        literal(out, data, 0, data.length);
        return out.toByteArray();
    }

    /**
     * A greedy encoder: back-references (1-, 2- and 4-byte offset forms in turn) for repeats of
     * at least 4 bytes within the last 2047 bytes, literals otherwise.
     */
    static byte[] withCopies(byte[] data)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, data.length);
        int literalStart = 0;
        int i = 0;
        int form = 0;
        while (i < data.length) {
            int bestLength = 0;
            int bestOffset = 0;
            for (int candidate = Math.max(0, i - 2047); candidate < i; candidate++) {
                int length = 0;
                while (i + length < data.length && data[candidate + length] == data[i + length] && length < 64) {
                    length++;
                }
                if (length > bestLength) {
                    bestLength = length;
                    bestOffset = i - candidate;
                }
            }
            if (bestLength < 4) {
                i++;
                continue;
            }
            literal(out, data, literalStart, i - literalStart);
            int kind = form++ % 3;
            if (kind == 0 && bestLength <= 11) {
                out.write(1 | ((bestLength - 4) << 2) | ((bestOffset >>> 8) << 5));
                out.write(bestOffset & 0xff);
            }
            else if (kind == 1 || kind == 0) {
                out.write(2 | ((bestLength - 1) << 2));
                out.write(bestOffset & 0xff);
                out.write(bestOffset >>> 8);
            }
            else {
                out.write(3 | ((bestLength - 1) << 2));
                out.write(bestOffset & 0xff);
                out.write(bestOffset >>> 8);
                out.write(0);
                out.write(0);
            }
            i += bestLength;
            literalStart = i;
        }
        literal(out, data, literalStart, data.length - literalStart);
        return out.toByteArray();
    }

    private static void literal(ByteArrayOutputStream out, byte[] data, int from, int length)
    {
        if (length == 0) {
            return;
        }
        int n = length - 1;
        if (n < 60) {
            out.write(n << 2);
        }
        else if (n < 256) {
            out.write(60 << 2);
            out.write(n);
        }
        else {
            out.write(61 << 2);
            out.write(n & 0xff);
            out.write(n >>> 8);
        }
        out.write(data, from, length);
    }

    private static void varint(ByteArrayOutputStream out, int value)
    {
        while ((value & ~0x7f) != 0) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
