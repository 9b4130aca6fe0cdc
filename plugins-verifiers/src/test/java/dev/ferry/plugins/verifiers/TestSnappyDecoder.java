package dev.ferry.plugins.verifiers;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSnappyDecoder
{
    @Test
    void decodesLiteral()
    {
        // length 5, literal of 5 bytes (tag (5-1)<<2)
        assertEquals("hello", decode("05" + "10" + hex("hello")));
    }

    @Test
    void decodesEmptyBlock()
    {
        assertEquals("", decode("00"));
    }

    @Test
    void decodesOneByteOffsetCopyThatOverlapsItsOutput()
    {
        // "ab" then copy length 6 at offset 2 -> "abababab"
        String block = "08" + "04" + hex("ab") + String.format("%02x", 1 | ((6 - 4) << 2)) + "02";
        assertEquals("abababab", decode(block));
    }

    @Test
    void decodesTwoAndFourByteOffsetCopies()
    {
        // "abcd" + copy(4, offset 4) with a 2-byte offset + copy(4, offset 8) with a 4-byte offset
        String block = "0c" + "0c" + hex("abcd")
                + String.format("%02x", 2 | (3 << 2)) + "0400"
                + String.format("%02x", 3 | (3 << 2)) + "08000000";
        assertEquals("abcdabcdabcd", decode(block));
    }

    @Test
    void decodesLongLiteralLengths()
    {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        // varint 300 = ac 02; tag 61 (2-byte length) with length-1 = 299 = 0x012b
        byte[] block = HexFormat.of().parseHex("ac02" + "f4" + "2b01" + HexFormat.of().formatHex(data));
        assertArrayEquals(data, SnappyDecoder.decompress(block));
    }

    @Test
    void roundTripsTheTestEncoders()
    {
        Random random = new Random(7);
        for (int round = 0; round < 60; round++) {
            byte[] data = new byte[random.nextInt(2000)];
            for (int i = 0; i < data.length; i++) {
                // a small alphabet makes repeats and so copies
                data[i] = (byte) ('a' + random.nextInt(round % 5 + 1));
            }
            assertArrayEquals(data, SnappyDecoder.decompress(TestingSnappy.literalsOnly(data)));
            assertArrayEquals(data, SnappyDecoder.decompress(TestingSnappy.withCopies(data)));
        }
    }

    @Test
    void rejectsInvalidBlocks()
    {
        assertInvalid("", "bad uncompressed length");
        assertInvalid("05" + "10" + hex("hell"), "literal runs past the end");
        assertInvalid("04" + "10" + hex("hello"), "literal runs past the end");
        assertInvalid("06" + "04" + hex("ab"), "2 bytes decoded, 6 declared");
        assertInvalid("08" + "04" + hex("ab") + String.format("%02x", 1 | (2 << 2)) + "03", "copy offset 3 outside the 2 bytes written");
        assertInvalid("08" + "04" + hex("ab") + String.format("%02x", 1 | (2 << 2)) + "00", "copy offset 0");
        assertInvalid("04" + "04" + hex("ab") + String.format("%02x", 1 | (2 << 2)) + "02", "copy runs past the end");
        assertInvalid("08" + "04" + hex("ab") + "02", "truncated copy");
        assertInvalid("ffffffff0f", "impossible");
        assertInvalid("ffffffffff01", "bad uncompressed length");
    }

    private static void assertInvalid(String hex, String message)
    {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnappyDecoder.decompress(HexFormat.of().parseHex(hex)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static String decode(String hex)
    {
        return new String(SnappyDecoder.decompress(HexFormat.of().parseHex(hex)), StandardCharsets.US_ASCII);
    }

    private static String hex(String text)
    {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }
}
