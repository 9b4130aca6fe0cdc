package dev.ferry.api.model;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds key values and raw row values as JDBC parameters so that the server compares them with
 * the column's own values exactly: integers as numbers (unsigned values above 2^63-1 as
 * decimals), decimals as decimals, binary as bytes and text in the column's charset. For plugins
 * that query the source or target by key.
 */
public final class SqlParameters
{
    private SqlParameters() {}

    /**
     * Binds {@code value}, a key value of {@code column}, at {@code index}.
     */
    public static void bindKeyValue(PreparedStatement statement, int index, Column column, KeyValue value)
            throws SQLException
    {
        if (value instanceof KeyValue.SignedInt signed) {
            statement.setLong(index, signed.value());
        }
        else if (value instanceof KeyValue.UnsignedInt unsigned) {
            if (unsigned.bits() >= 0) {
                statement.setLong(index, unsigned.bits());
            }
            else {
                statement.setBigDecimal(index, new BigDecimal(unsigned.toBigInteger()));
            }
        }
        else if (value instanceof KeyValue.Bytes bytes) {
            statement.setBytes(index, bytes.value());
        }
        else if (column.type().family() == ColumnType.Family.DECIMAL) {
            statement.setBigDecimal(index, new BigDecimal(value.text()));
        }
        else {
            statement.setString(index, value.text());
        }
    }

    /**
     * Binds {@code wire}, a value of {@code column} in the bytes of the text protocol (a
     * {@link Row} value; null for SQL NULL), at {@code index}.
     *
     * @param charset the charset of a text column's bytes; unused for other columns
     */
    public static void bindWire(PreparedStatement statement, int index, Column column, Charset charset, byte[] wire)
            throws SQLException
    {
        if (wire == null) {
            statement.setNull(index, Types.NULL);
            return;
        }
        switch (column.type().family()) {
            case INTEGER: {
                String digits = new String(wire, StandardCharsets.US_ASCII);
                if (column.unsigned() && digits.length() >= 19) {
                    statement.setBigDecimal(index, new BigDecimal(digits));
                }
                else {
                    statement.setLong(index, Long.parseLong(digits));
                }
                return;
            }
            case DECIMAL:
                statement.setBigDecimal(index, new BigDecimal(new String(wire, StandardCharsets.US_ASCII)));
                return;
            case TEXT:
                statement.setString(index, new String(wire, charset));
                return;
            default:
                statement.setBytes(index, wire);
        }
    }
}
