package dev.ferry.api.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MySqlCharsetsTest
{
    @Test
    void latin1IsWindows1252WithC1ControlsForItsHoles()
    {
        Charset latin1 = MySqlCharsets.forMySqlName("LATIN1");
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String text = new String(all, latin1);
        assertEquals(256, text.length());
        assertEquals('€', text.charAt(0x80));
        assertEquals('\u0081', text.charAt(0x81));
        assertEquals('\u008d', text.charAt(0x8d));
        assertEquals('\u008f', text.charAt(0x8f));
        assertEquals('\u0090', text.charAt(0x90));
        assertEquals('\u009d', text.charAt(0x9d));
        assertEquals('Ÿ', text.charAt(0x9f));
        assertEquals('ÿ', text.charAt(0xff));
        assertTrue(text.indexOf('\uFFFD') < 0, "no byte is lost");
        assertArrayEquals(all, text.getBytes(latin1), "every byte round-trips");
        assertArrayEquals(new byte[] {'?'}, "😀".substring(0, 1).getBytes(latin1));
    }

    @Test
    void namesMapToJavaCharsets()
    {
        assertEquals(StandardCharsets.UTF_8, MySqlCharsets.forMySqlName("utf8mb4"));
        assertEquals(StandardCharsets.UTF_8, MySqlCharsets.forMySqlName(null));
        assertEquals(Charset.forName("windows-1251"), MySqlCharsets.forMySqlName("cp1251"));
        assertEquals(Charset.forName("Shift_JIS"), MySqlCharsets.forMySqlName("sjis"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MySqlCharsets.forMySqlName("armscii8"));
        assertEquals("character set armscii8 is not supported for text key columns", e.getMessage());
    }
}
