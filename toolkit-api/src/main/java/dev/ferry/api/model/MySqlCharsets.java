package dev.ferry.api.model;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Maps MySQL character set names to Java charsets, for decoding text read as raw bytes (rows
 * hold the stored bytes of every column).
 * MySQL's {@code latin1} is Windows-1252 (with its five undefined bytes as C1 controls), not
 * ISO-8859-1.
 */
public final class MySqlCharsets
{
    private static final Map<String, String> JAVA_NAMES = Map.ofEntries(
            Map.entry("utf8mb4", "UTF-8"),
            Map.entry("utf8mb3", "UTF-8"),
            Map.entry("utf8", "UTF-8"),
            Map.entry("ascii", "US-ASCII"),
            Map.entry("binary", "ISO-8859-1"),
            Map.entry("latin2", "ISO-8859-2"),
            Map.entry("latin5", "ISO-8859-9"),
            Map.entry("latin7", "ISO-8859-13"),
            Map.entry("greek", "ISO-8859-7"),
            Map.entry("hebrew", "ISO-8859-8"),
            Map.entry("cp1250", "windows-1250"),
            Map.entry("cp1251", "windows-1251"),
            Map.entry("cp1256", "windows-1256"),
            Map.entry("cp1257", "windows-1257"),
            Map.entry("cp850", "IBM850"),
            Map.entry("cp852", "IBM852"),
            Map.entry("cp866", "IBM866"),
            Map.entry("koi8r", "KOI8-R"),
            Map.entry("koi8u", "KOI8-U"),
            Map.entry("ucs2", "UTF-16BE"),
            Map.entry("utf16", "UTF-16BE"),
            Map.entry("utf16le", "UTF-16LE"),
            Map.entry("utf32", "UTF-32BE"),
            Map.entry("sjis", "Shift_JIS"),
            Map.entry("cp932", "windows-31j"),
            Map.entry("ujis", "EUC-JP"),
            Map.entry("eucjpms", "EUC-JP"),
            Map.entry("euckr", "EUC-KR"),
            Map.entry("gbk", "GBK"),
            Map.entry("gb2312", "GB2312"),
            Map.entry("gb18030", "GB18030"),
            Map.entry("big5", "Big5"),
            Map.entry("tis620", "TIS-620"),
            Map.entry("macroman", "x-MacRoman"));

    private MySqlCharsets() {}

    /**
     * The Java charset for a MySQL character set name; UTF-8 for null (non-text columns).
     *
     * @throws IllegalArgumentException for a character set ferry cannot decode
     */
    public static Charset forMySqlName(String name)
    {
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        if (name.equalsIgnoreCase("latin1")) {
            return MySqlLatin1.INSTANCE;
        }
        String javaName = JAVA_NAMES.get(name.toLowerCase(Locale.ROOT));
        if (javaName == null) {
            throw new IllegalArgumentException("character set " + name + " is not supported for text key columns");
        }
        return Charset.forName(javaName);
    }

    /**
     * Whether ASCII text is stored as single ASCII bytes in this character set (false for the
     * UTF-16 and UTF-32 family and ucs2).
     */
    public static boolean isAsciiCompatible(String name)
    {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return !lower.startsWith("ucs2") && !lower.startsWith("utf16") && !lower.startsWith("utf32");
    }
}
