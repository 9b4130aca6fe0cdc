package dev.ferry.runtime.binlog;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowImageDecoderTest
{
    @Test
    void integersWithSignednessFromTheSchema()
    {
        TableSchema table = TestingSchemas.table("db", "t")
                .column("ti", "tinyint(4)")
                .column("tiu", "tinyint(3) unsigned")
                .column("si", "smallint(6)")
                .column("siu", "smallint(5) unsigned")
                .column("mi", "mediumint(9)")
                .column("miu", "mediumint(8) unsigned")
                .column("i", "int(11)")
                .column("iu", "int(10) unsigned")
                .column("bi", "bigint(20)")
                .column("biu", "bigint(20) unsigned")
                .build();
        // the library's values: sign-extended from the stored width
        Row row = decode(table, -128, -1, -32768, -1, -8388608, -1, Integer.MIN_VALUE, -1, Long.MIN_VALUE, -1L);
        assertText(row, "-128", "255", "-32768", "65535", "-8388608", "16777215", "-2147483648", "4294967295",
                "-9223372036854775808", "18446744073709551615");
        Row zeros = decode(table, 0, 0, 0, 0, 0, 0, 0, 0, 0L, 0L);
        assertText(zeros, "0", "0", "0", "0", "0", "0", "0", "0", "0", "0");
        Row positives = decode(table, 127, 127, 32767, 32767, 8388607, 8388607, Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
        assertText(positives, "127", "127", "32767", "32767", "8388607", "8388607", "2147483647", "2147483647",
                "9223372036854775807", "9223372036854775807");
    }

    @Test
    void yearAsFourDigits()
    {
        TableSchema table = TestingSchemas.table("db", "t").column("y", "year(4)").column("z", "year(4)").column("x", "year(4)").build();
        // the library adds 1900 to the stored byte, so year 0000 arrives as 1900
        assertText(decode(table, 1900, 2155, 1901), "0000", "2155", "1901");
        assertText(decode(table, 0, 2000, 1999), "0000", "2000", "1999");
    }

    @Test
    void decimalsWithTheColumnScale()
    {
        TableSchema table = TestingSchemas.table("db", "t")
                .column("d", "decimal(65,30)")
                .column("e", "decimal(10,0) unsigned")
                .column("f", "decimal(5,2)")
                .build();
        Row row = decode(table, new BigDecimal("-99999999999999999999999999999999999.999999999999999999999999999999"), new BigDecimal("4294967295"),
                new BigDecimal("1.5"));
        assertText(row, "-99999999999999999999999999999999999.999999999999999999999999999999", "4294967295", "1.50");
        FerryException e = assertThrows(FerryException.class, () -> decode(table, BigDecimal.ONE, BigDecimal.ONE, new BigDecimal("1.234")));
        assertTrue(e.getMessage().contains("db.t.`f` (decimal(5,2))"), e.getMessage());
    }

    @Test
    void floatingPointReadsBackExactly()
    {
        TableSchema table = TestingSchemas.table("db", "t")
                .column("f", "float")
                .column("d", "double")
                .column("fixed", "float(7,4)")
                .column("dfixed", "double(10,3)")
                .build();
        assertText(decode(table, Float.MAX_VALUE, Double.MAX_VALUE, 3.1416f, 1.0005),
                "3.4028234663852886e38", "1.7976931348623157e308", "3.1416", "1.000");
        assertText(decode(table, -0.0f, -0.0, -0.0f, -0.0), "-0", "-0", "-0.0000", "-0.000");
        assertText(decode(table, Float.MIN_VALUE, Double.MIN_VALUE, -1.5f, 2.5), "1.401298464324817e-45", "5e-324", "-1.5000", "2.500");
        assertText(decode(table, 0.0f, 0.0, 0.0f, 0.0), "0", "0", "0.0000", "0.000");
    }

    @Test
    void bitAsBigEndianBytes()
    {
        TableSchema table = TestingSchemas.table("db", "t").column("b64", "bit(64)").column("b10", "bit(10)").column("b1", "bit(1)").build();
        BitSet all = new BitSet();
        all.set(0, 64);
        BitSet ten = new BitSet();
        ten.set(0);
        ten.set(9);
        BitSet one = new BitSet();
        one.set(0);
        Row row = decode(table, all, ten, one);
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, row.get(0));
        assertArrayEquals(new byte[] {0x02, 0x01}, row.get(1));
        assertArrayEquals(new byte[] {0x01}, row.get(2));
        // the streamer's deserializer hands the bytes over as they are
        byte[] raw = {(byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        Row fromBytes = decode(table, raw, new byte[] {0x03, (byte) 0xFF}, new byte[] {0});
        assertSame(raw, fromBytes.get(0));
        assertArrayEquals(new byte[] {0x03, (byte) 0xFF}, fromBytes.get(1));
        assertArrayEquals(new byte[] {0}, fromBytes.get(2));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, decode(table, new BitSet(), new BitSet(), new BitSet()).get(0));
    }

    @Test
    void temporalsPassTheDeserializersText()
    {
        TableSchema table = TestingSchemas.table("db", "t").column("t", "time(6)").column("d", "datetime(6)").build();
        byte[] time = ascii("-838:59:59.000000");
        Row row = decode(table, time, ascii("0000-00-00 00:00:00.000000"));
        assertSame(time, row.get(0));
        FerryException e = assertThrows(FerryException.class, () -> decode(table, time, new Date(0)));
        assertTrue(e.getMessage().contains("db.t.`d` (datetime(6))") && e.getMessage().contains("Date"), e.getMessage());
        assertThrows(FerryException.class, () -> decode(table, 12L, time));
    }

    @Test
    void charLosesPadSpacesBinaryGainsPadZeros()
    {
        TableSchema table = TestingSchemas.table("db", "t")
                .text("c", "char(10)", "utf8mb4")
                .text("l", "char(4)", "latin1")
                .text("u", "char(4)", "ucs2")
                .column("b", "binary(4)")
                .column("vb", "varbinary(4)")
                .build();
        Row row = decode(table, ascii("ab  \u0000 "), new byte[] {(byte) 0xE9, ' ', ' '}, new byte[] {0, 'a', 0, ' ', 0, ' '},
                new byte[] {'a'}, new byte[] {'a', 0});
        assertArrayEquals(new byte[] {'a', 'b', ' ', ' ', 0}, row.get(0));
        assertArrayEquals(new byte[] {(byte) 0xE9}, row.get(1));
        assertArrayEquals(new byte[] {0, 'a'}, row.get(2));
        assertArrayEquals(new byte[] {'a', 0, 0, 0}, row.get(3));
        assertArrayEquals(new byte[] {'a', 0}, row.get(4));
        Row empty = decode(table, new byte[0], new byte[0], new byte[0], new byte[0], new byte[0]);
        assertArrayEquals(new byte[0], empty.get(0));
        assertArrayEquals(new byte[] {0, 0, 0, 0}, empty.get(3));
        FerryException e = assertThrows(FerryException.class, () -> decode(table, "ab", new byte[0], new byte[0], new byte[0], new byte[0]));
        assertTrue(e.getMessage().contains("CHAR_AND_BINARY_AS_BYTE_ARRAY"), e.getMessage());
    }

    @Test
    void textAndBlobsAsTheyAre()
    {
        TableSchema table = TestingSchemas.table("db", "t")
                .text("v", "varchar(10)", "utf8mb4")
                .text("t", "longtext", "latin1")
                .column("bl", "blob")
                .column("j", "json")
                .column("g", "geometry")
                .build();
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        byte[] latin = {(byte) 0x80, (byte) 0xFF};
        byte[] blob = new byte[256];
        for (int i = 0; i < blob.length; i++) {
            blob[i] = (byte) i;
        }
        byte[] json = ascii("{\"a\": 1}");
        byte[] geometry = {0, 0, 0, 0, 1, 1, 0, 0, 0};
        Row row = decode(table, emoji, latin, blob, json, geometry);
        assertSame(emoji, row.get(0));
        assertSame(latin, row.get(1));
        assertSame(blob, row.get(2));
        assertSame(json, row.get(3));
        assertSame(geometry, row.get(4));
    }

    @Test
    void enumAndSetMembersInTheColumnCharset()
    {
        TableSchema table = TestingSchemas.table("db", "t")
                .members("e", "enum('a','é','c')", "latin1", List.of("a", "é", "c"))
                .members("s", "set('x','ÿ','z')", "utf8mb4", List.of("x", "ÿ", "z"))
                .build();
        Row row = decode(table, 2, 7L);
        assertArrayEquals("é".getBytes(Charset.forName("windows-1252")), row.get(0));
        assertArrayEquals("x,ÿ,z".getBytes(StandardCharsets.UTF_8), row.get(1));
        assertText(decode(table, 0, 0L), "", "");
        assertText(decode(table, 3, 4L), "c", "z");
        assertText(decode(table, 1, 5L), "a", "x,z");
        FerryException e = assertThrows(FerryException.class, () -> decode(table, 4, 0L));
        assertTrue(e.getMessage().contains("ENUM index 4") && e.getMessage().contains("db.t.`e`"), e.getMessage());
        assertThrows(FerryException.class, () -> decode(table, 1, 8L));
    }

    @Test
    void nullsStayNull()
    {
        TableSchema table = TestingSchemas.table("db", "t").column("i", "int(11)").text("v", "varchar(3)", "utf8mb4").column("d", "date").build();
        Row row = decode(table, null, null, null);
        assertEquals(3, row.size());
        for (int i = 0; i < 3; i++) {
            assertNull(row.get(i));
        }
    }

    @Test
    void imagesWithoutAColumn()
    {
        TableSchema table = TestingSchemas.table("db", "t").column("id", "int(11)").generated("g", "int(11)").column("v", "int(11)").build();
        BitSet withoutGenerated = new BitSet();
        withoutGenerated.set(0);
        withoutGenerated.set(2);
        Row row = RowImageDecoder.decode(table, new Serializable[] {1, 3}, withoutGenerated);
        assertText(row, "1", null, "3");
        BitSet withGenerated = new BitSet();
        withGenerated.set(0, 3);
        assertText(RowImageDecoder.decode(table, new Serializable[] {1, 2, 3}, withGenerated), "1", "2", "3");
        BitSet minimal = new BitSet();
        minimal.set(0);
        FerryException e = assertThrows(FerryException.class, () -> RowImageDecoder.decode(table, new Serializable[] {1}, minimal));
        assertTrue(e.getMessage().contains("lacks column `v`") && e.getMessage().contains("binlog_row_image=FULL"), e.getMessage());
        BitSet tooMany = new BitSet();
        tooMany.set(0, 4);
        assertThrows(FerryException.class, () -> RowImageDecoder.decode(table, new Serializable[] {1, 2, 3, 4}, tooMany));
    }

    @Test
    void unsupportedTypesNameTableColumnAndType()
    {
        TableSchema table = TestingSchemas.table("db", "t").column("id", "int(11)").column("addr", "inet6").build();
        assertText(decode(table, 1, null), "1", null);
        FerryException e = assertThrows(FerryException.class, () -> decode(table, 1, new byte[16]));
        assertTrue(e.getMessage().contains("db.t.`addr` (inet6)") && e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void tableMapChecks()
    {
        TableSchema table = TestingSchemas.table("db", "t")
                .column("id", "bigint(20) unsigned")
                .text("c", "char(3)", "utf8mb4")
                .members("e", "enum('a')", "utf8mb4", List.of("a"))
                .column("j", "json")
                .build();
        RowImageDecoder decoder = RowImageDecoder.forTable(table);
        byte[] types = {8, (byte) 254, (byte) 254, (byte) 252};
        int[] metadata = {0, 0xFE << 8 | 12, 0xF7 << 8 | 1, 4};
        assertNull(decoder.mismatch(types, metadata));
        assertNull(decoder.mismatch(new byte[] {8, (byte) 254, (byte) 254, (byte) 245}, metadata));
        String wrongType = decoder.mismatch(new byte[] {3, (byte) 254, (byte) 254, (byte) 252}, metadata);
        assertTrue(wrongType.contains("`id`") && wrongType.contains("bigint(20) unsigned") && wrongType.contains("code 3"), wrongType);
        String enumAsChar = decoder.mismatch(types, new int[] {0, 0xFE << 8 | 12, 0xFE << 8 | 1, 4});
        assertTrue(enumAsChar.contains("`e`"), enumAsChar);
        String count = decoder.mismatch(new byte[] {8, (byte) 254, (byte) 254}, metadata);
        assertTrue(count.contains("3 columns") && count.contains("schema 4"), count);
    }

    @Test
    void typeArguments()
    {
        assertArrayEquals(new int[] {65, 30}, RowImageDecoder.typeArguments("decimal(65,30)"));
        assertArrayEquals(new int[] {20}, RowImageDecoder.typeArguments("bigint(20) unsigned"));
        assertArrayEquals(new int[0], RowImageDecoder.typeArguments("enum('a','b')"));
        assertArrayEquals(new int[0], RowImageDecoder.typeArguments("double"));
    }

    private static Row decode(TableSchema table, Serializable... values)
    {
        BitSet included = new BitSet();
        included.set(0, values.length);
        return RowImageDecoder.forTable(table).decode(values, included);
    }

    private static void assertText(Row row, String... expected)
    {
        assertEquals(expected.length, row.size());
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == null) {
                assertNull(row.get(i), "column " + i);
            }
            else {
                assertEquals(expected[i], row.text(i, StandardCharsets.UTF_8), "column " + i);
            }
        }
    }

    private static byte[] ascii(String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
