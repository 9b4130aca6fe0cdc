package dev.ferry.runtime.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Values written as literals into a statement's text, for statements sent as plain text with
 * no placeholders: Connector/J then neither parses the text for {@code ?} nor keeps a binding
 * object per value, which is most of the client's time per applied row event.
 */
public final class SqlLiterals
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private SqlLiterals() {}

    /**
     * Appends {@code x'…'}, the bytes as a binary string (what Connector/J's {@code setBytes}
     * sends for a client-side prepared statement), or {@code NULL}.
     */
    public static void appendHex(StringBuilder sql, byte[] value)
    {
        if (value == null) {
            sql.append("NULL");
            return;
        }
        sql.append("x'");
        for (int i = 0; i < value.length; i++) {
            int b = value[i] & 0xff;
            sql.append((char) HEX[b >>> 4]).append((char) HEX[b & 0x0f]);
        }
        sql.append('\'');
    }

    /**
     * Whether {@code text} (ASCII) is a plain decimal number: an optional minus sign, digits, and
     * at most one point between digits. Such text is a literal of its own and safe to write into
     * a statement as it is.
     */
    public static boolean isPlainNumber(byte[] text)
    {
        if (text == null || text.length == 0) {
            return false;
        }
        int i = text[0] == '-' ? 1 : 0;
        boolean digits = false;
        boolean point = false;
        for (; i < text.length; i++) {
            byte c = text[i];
            if (c >= '0' && c <= '9') {
                digits = true;
            }
            else if (c == '.' && digits && !point && i + 1 < text.length) {
                point = true;
            }
            else {
                return false;
            }
        }
        return digits;
    }

    /**
     * Appends a number's text as it is when it is a plain number ({@link #isPlainNumber});
     * otherwise appends nothing.
     *
     * @return whether it was appended
     */
    public static boolean appendPlainNumber(StringBuilder sql, byte[] text)
    {
        if (!isPlainNumber(text)) {
            return false;
        }
        for (int i = 0; i < text.length; i++) {
            sql.append((char) text[i]);
        }
        return true;
    }

    /**
     * Sends a statement whose values are written in, as text and without escape processing
     * (its literals hold no JDBC escapes).
     *
     * @return the affected-rows count the server reports
     */
    public static int executeUpdate(Connection connection, String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            return statement.executeUpdate(sql);
        }
    }
}
