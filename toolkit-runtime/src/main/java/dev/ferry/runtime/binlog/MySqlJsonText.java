package dev.ferry.runtime.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonFormatter;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * MySQL's binary JSON (the binlog form of a JSON column) to the text MySQL prints for it
 * ({@code Json_wrapper::to_string}): {@code ", "} and {@code ": "} separators, doubles as
 * {@code my_gcvt} prints them with {@code .0} added to integral ones, temporals with six fraction
 * digits, opaque values as {@code base64:typeNN:...}. The library's own formatter prints compact
 * JSON, Java doubles and bare base64, which is valid JSON but not what SELECT returns.
 */
final class MySqlJsonText
        implements JsonFormatter
{
    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder();

    private MySqlJsonText() {}

    /**
     * The text of a binary JSON value; an empty value is JSON null, as MySQL reads it.
     */
    static byte[] toText(byte[] binary)
            throws IOException
    {
        if (binary.length == 0) {
            return JSON_NULL;
        }
        MySqlJsonText formatter = new MySqlJsonText();
        new Parser(binary).parse(formatter);
        return formatter.out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void beginObject(int numElements)
    {
        out.append('{');
    }

    @Override
    public void beginArray(int numElements)
    {
        out.append('[');
    }

    @Override
    public void endObject()
    {
        out.append('}');
    }

    @Override
    public void endArray()
    {
        out.append(']');
    }

    @Override
    public void name(String name)
    {
        appendQuoted(name);
        out.append(": ");
    }

    @Override
    public void value(String value)
    {
        appendQuoted(value);
    }

    @Override
    public void value(int value)
    {
        out.append(value);
    }

    @Override
    public void value(long value)
    {
        out.append(value);
    }

    @Override
    public void value(double value)
    {
        String text = MySqlText.formatDouble(value, MySqlText.JSON_DOUBLE_WIDTH);
        out.append(text);
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0) {
            out.append(".0");
        }
    }

    @Override
    public void value(BigInteger value)
    {
        out.append(value);
    }

    @Override
    public void value(BigDecimal value)
    {
        out.append(value.toPlainString());
    }

    @Override
    public void value(boolean value)
    {
        out.append(value);
    }

    @Override
    public void valueNull()
    {
        out.append("null");
    }

    @Override
    public void valueYear(int year)
    {
        out.append(year);
    }

    @Override
    public void valueDate(int year, int month, int day)
    {
        out.append('"').append(new String(TemporalText.datetime(year, month, day, 0, 0, 0, 0, 0), 0, 10, StandardCharsets.US_ASCII)).append('"');
    }

    @Override
    public void valueDatetime(int year, int month, int day, int hour, int min, int sec, int microSeconds)
    {
        out.append('"').append(new String(TemporalText.datetime(year, month, day, hour, min, sec, microSeconds, 6), StandardCharsets.US_ASCII)).append('"');
    }

    @Override
    public void valueTime(int hour, int min, int sec, int microSeconds)
    {
        valueTime(hour < 0, Math.abs(hour), min, sec, microSeconds);
    }

    void valueTime(boolean negative, int hour, int min, int sec, int microSeconds)
    {
        out.append('"').append(new String(TemporalText.time(negative, hour, min, sec, microSeconds, 6), StandardCharsets.US_ASCII)).append('"');
    }

    @Override
    public void valueTimestamp(long secondsPastEpoch, int microSeconds)
    {
        out.append('"').append(new String(TemporalText.timestamp(secondsPastEpoch, microSeconds, 6), StandardCharsets.US_ASCII)).append('"');
    }

    @Override
    public void valueOpaque(ColumnType type, byte[] value)
    {
        if (type == ColumnType.VAR_STRING) {
            // MySQL prints strings kept as opaque values as plain JSON strings
            appendQuoted(new String(value, StandardCharsets.UTF_8));
            return;
        }
        String base64 = Base64.getEncoder().encodeToString(value);
        StringBuilder text = new StringBuilder(base64.length() + 20);
        text.append("base64:type").append(type.getCode()).append(':');
        // MySQL's base64_encode starts a new line after every 76 characters
        for (int i = 0; i < base64.length(); i += 76) {
            if (i > 0) {
                text.append('\n');
            }
            text.append(base64, i, Math.min(base64.length(), i + 76));
        }
        appendQuoted(text.toString());
    }

    @Override
    public void nextEntry()
    {
        out.append(", ");
    }

    private void appendQuoted(String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c <= 0x1F) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                    }
                    else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /**
     * The library's parser with TIME values decoded correctly: it loses the sign of times
     * between -1 hour and 0 and garbles the fields of every negative time.
     */
    private static final class Parser
            extends JsonBinary
    {
        Parser(byte[] bytes)
        {
            super(bytes);
        }

        @Override
        protected void parseTime(JsonFormatter formatter)
                throws IOException
        {
            long packed = readInt64();
            boolean negative = packed < 0;
            if (negative) {
                packed = -packed;
            }
            long hms = packed >> 24;
            int micros = (int) (packed & 0xFFFFFF);
            ((MySqlJsonText) formatter).valueTime(negative, (int) ((hms >> 12) & 0x3FF), (int) ((hms >> 6) & 63), (int) (hms & 63), micros);
        }
    }
}
