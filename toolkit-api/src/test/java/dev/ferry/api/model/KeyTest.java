package dev.ferry.api.model;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyTest
{
    private static final BigInteger TWO_64_MINUS_1 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    @Test
    void signedIntegersOrderNumerically()
    {
        assertOrdered(
                new KeyValue.SignedInt(Long.MIN_VALUE),
                new KeyValue.SignedInt(-2),
                new KeyValue.SignedInt(-1),
                new KeyValue.SignedInt(0),
                new KeyValue.SignedInt(1),
                new KeyValue.SignedInt(Long.MAX_VALUE));
    }

    @Test
    void unsignedIntegersOrderAboveTheSignedRange()
    {
        // 2^63 and 2^64-1 are negative as longs; read as signed they would sort first
        assertOrdered(
                new KeyValue.UnsignedInt(0),
                new KeyValue.UnsignedInt(1),
                new KeyValue.UnsignedInt(Long.MAX_VALUE),
                KeyValue.UnsignedInt.of(BigInteger.ONE.shiftLeft(63)),
                KeyValue.UnsignedInt.of(TWO_64_MINUS_1.subtract(BigInteger.ONE)),
                KeyValue.UnsignedInt.of(TWO_64_MINUS_1));
        assertEquals("18446744073709551615", KeyValue.UnsignedInt.of(TWO_64_MINUS_1).text());
        assertEquals(-1L, KeyValue.UnsignedInt.of(TWO_64_MINUS_1).bits());
        assertEquals(TWO_64_MINUS_1, new KeyValue.UnsignedInt(-1L).toBigInteger());
    }

    @Test
    void signedAndUnsignedCompareByValue()
    {
        KeyValue minusOne = new KeyValue.SignedInt(-1);
        KeyValue unsignedMax = new KeyValue.UnsignedInt(-1L);
        assertTrue(minusOne.compareTo(unsignedMax) < 0);
        assertTrue(unsignedMax.compareTo(minusOne) > 0);
        assertTrue(new KeyValue.SignedInt(Long.MIN_VALUE).compareTo(new KeyValue.UnsignedInt(0)) < 0);
        assertEquals(0, new KeyValue.SignedInt(5).compareTo(new KeyValue.UnsignedInt(5)));
        assertEquals(0, new KeyValue.UnsignedInt(5).compareTo(new KeyValue.SignedInt(5)));
        assertTrue(new KeyValue.SignedInt(Long.MAX_VALUE).compareTo(KeyValue.UnsignedInt.of(BigInteger.ONE.shiftLeft(63))) < 0);
    }

    @Test
    void unsignedRejectsValuesOutsideItsRange()
    {
        assertThrows(IllegalArgumentException.class, () -> KeyValue.UnsignedInt.of(BigInteger.valueOf(-1)));
        assertThrows(IllegalArgumentException.class, () -> KeyValue.UnsignedInt.of(BigInteger.ONE.shiftLeft(64)));
    }

    @Test
    void bytesCompareAsUnsignedBytes()
    {
        assertOrdered(
                KeyValue.Bytes.fromHex(""),
                KeyValue.Bytes.fromHex("00"),
                KeyValue.Bytes.fromHex("0000"),
                KeyValue.Bytes.fromHex("00ff"),
                KeyValue.Bytes.fromHex("01"),
                KeyValue.Bytes.fromHex("7f"),
                KeyValue.Bytes.fromHex("80"),
                KeyValue.Bytes.fromHex("ff"),
                KeyValue.Bytes.fromHex("ff00"),
                KeyValue.Bytes.fromHex("ffff"));
    }

    @Test
    void bytesAreValuesNotArrays()
    {
        byte[] raw = {0x00, (byte) 0xff};
        KeyValue.Bytes bytes = new KeyValue.Bytes(raw);
        raw[0] = 0x7f;
        assertEquals(KeyValue.Bytes.fromHex("00ff"), bytes, "the constructor copies");
        bytes.value()[1] = 0x01;
        assertEquals("00ff", bytes.text(), "value() returns a copy");
        assertEquals(KeyValue.Bytes.fromHex("00ff").hashCode(), bytes.hashCode());
        assertNotEquals(KeyValue.Bytes.fromHex("00"), KeyValue.Bytes.fromHex("0000"));
        assertEquals(Key.of(KeyValue.Bytes.fromHex("00ff"), new KeyValue.SignedInt(1)), Key.of(bytes, new KeyValue.SignedInt(1)));
    }

    @Test
    void textComparesByCodePointOrder()
    {
        assertOrdered(new KeyValue.Text(""), new KeyValue.Text("B"), new KeyValue.Text("a"), new KeyValue.Text("a "), new KeyValue.Text("é"));
    }

    @Test
    void keysCompareLexicographically()
    {
        assertOrdered(
                Key.of(new KeyValue.SignedInt(-5), new KeyValue.Text("z")),
                Key.of(new KeyValue.SignedInt(0), new KeyValue.Text("")),
                Key.of(new KeyValue.SignedInt(0), new KeyValue.Text("a")),
                Key.of(new KeyValue.SignedInt(0), new KeyValue.Text("b")),
                Key.of(new KeyValue.SignedInt(1), new KeyValue.Text("a")));
        Key unsigned = Key.of(new KeyValue.UnsignedInt(-1L), KeyValue.Bytes.fromHex("00"));
        assertTrue(unsigned.compareTo(Key.of(new KeyValue.UnsignedInt(Long.MAX_VALUE), KeyValue.Bytes.fromHex("ff"))) > 0);
        assertTrue(Key.of(new KeyValue.SignedInt(1)).compareTo(Key.of(new KeyValue.SignedInt(1), new KeyValue.SignedInt(0))) < 0,
                "a prefix sorts first");
    }

    @Test
    void keyTextAndValidation()
    {
        assertEquals("(-1, 18446744073709551615, abc, 00ff)",
                Key.of(new KeyValue.SignedInt(-1), new KeyValue.UnsignedInt(-1L), new KeyValue.Text("abc"), KeyValue.Bytes.fromHex("00ff")).toString());
        assertThrows(IllegalArgumentException.class, () -> new Key(List.of()));
        assertThrows(NullPointerException.class, () -> new KeyValue.Text(null));
    }

    @Test
    void fromWireDecodesTextProtocolValues()
    {
        Column unsigned = column(ColumnType.BIGINT, "bigint(20) unsigned", true, null);
        Column signed = column(ColumnType.BIGINT, "bigint(20)", false, null);
        Column binary = column(ColumnType.VARBINARY, "varbinary(16)", false, null);
        Column latin1 = column(ColumnType.VARCHAR, "varchar(16)", false, "latin1");
        assertEquals(new KeyValue.UnsignedInt(-1L), KeyValue.fromWire(unsigned, ascii("18446744073709551615"), StandardCharsets.UTF_8));
        assertEquals(new KeyValue.UnsignedInt(0), KeyValue.fromWire(unsigned, ascii("0"), StandardCharsets.UTF_8));
        assertEquals(new KeyValue.SignedInt(Long.MIN_VALUE), KeyValue.fromWire(signed, ascii("-9223372036854775808"), StandardCharsets.UTF_8));
        assertEquals(KeyValue.Bytes.fromHex("00ff20"), KeyValue.fromWire(binary, new byte[] {0, (byte) 0xff, 0x20}, StandardCharsets.UTF_8));
        Charset windows1252 = Charset.forName("windows-1252");
        assertEquals(new KeyValue.Text("café €"), KeyValue.fromWire(latin1, "café €".getBytes(windows1252), windows1252));
        assertEquals(new KeyValue.Text("2024-02-29 23:59:59.999999"),
                KeyValue.fromWire(column(ColumnType.DATETIME, "datetime(6)", false, null), ascii("2024-02-29 23:59:59.999999"), StandardCharsets.UTF_8));
        assertEquals(new KeyValue.Text("-12.500"),
                KeyValue.fromWire(column(ColumnType.DECIMAL, "decimal(10,3)", false, null), ascii("-12.500"), StandardCharsets.UTF_8));
    }

    @SafeVarargs
    private static <T extends Comparable<T>> void assertOrdered(T... ascending)
    {
        for (int i = 0; i < ascending.length; i++) {
            for (int j = 0; j < ascending.length; j++) {
                int expected = Integer.signum(Integer.compare(i, j));
                int actual = Integer.signum(ascending[i].compareTo(ascending[j]));
                assertEquals(expected, actual, ascending[i] + " compared with " + ascending[j]);
            }
        }
        List<T> shuffled = new ArrayList<>(List.of(ascending));
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertEquals(List.of(ascending), shuffled);
    }

    private static byte[] ascii(String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static Column column(ColumnType type, String columnType, boolean unsigned, String charset)
    {
        return new Column("k", 0, type, columnType, unsigned, false, charset, null, false, List.of());
    }
}
