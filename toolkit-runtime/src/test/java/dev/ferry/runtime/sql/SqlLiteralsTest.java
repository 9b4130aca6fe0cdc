package dev.ferry.runtime.sql;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlLiteralsTest
{
    @Test
    void hexLiteralsCarryEveryByte()
    {
        StringBuilder sql = new StringBuilder();
        SqlLiterals.appendHex(sql, new byte[] {0, '\'', '\\', '\n', (byte) 0xff, (byte) 0x80, 0x7f});
        assertEquals("x'00275c0aff807f'", sql.toString());
        sql.setLength(0);
        SqlLiterals.appendHex(sql, new byte[0]);
        assertEquals("x''", sql.toString());
        sql.setLength(0);
        SqlLiterals.appendHex(sql, null);
        assertEquals("NULL", sql.toString());
    }

    @Test
    void plainNumbers()
    {
        for (String number : new String[] {"0", "-1", "18446744073709551615", "-9223372036854775808", "123.45", "-0.5", "007"}) {
            assertTrue(SqlLiterals.isPlainNumber(ascii(number)), number);
            StringBuilder sql = new StringBuilder("=");
            assertTrue(SqlLiterals.appendPlainNumber(sql, ascii(number)), number);
            assertEquals("=" + number, sql.toString());
        }
        for (String text : new String[] {"", "-", ".5", "5.", "1.2.3", "1e5", "+1", "1 OR 1=1", "0x10", "1--", "1'", "--1"}) {
            assertFalse(SqlLiterals.isPlainNumber(ascii(text)), text);
            StringBuilder sql = new StringBuilder("=");
            assertFalse(SqlLiterals.appendPlainNumber(sql, ascii(text)), text);
            assertEquals("=", sql.toString(), "nothing appended: " + text);
        }
        assertFalse(SqlLiterals.isPlainNumber(null));
    }

    private static byte[] ascii(String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
