package dev.ferry.api.model;

import java.nio.charset.Charset;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * One row's values in the exact bytes MySQL's text protocol uses for them (what
 * {@code ResultSet.getBytes} returns; the binlog decoder produces the same form), aligned with a
 * column list given alongside (a {@link RowBatch}'s columns or a table's columns for binlog
 * images). A null element is SQL NULL.
 *
 * <p>Rows sit on the per-row hot path: {@link #get} returns the internal array without copying.
 * Callers must not modify it.
 */
public final class Row
{
    private final byte[][] values;

    private Row(byte[][] values)
    {
        this.values = values;
    }

    /**
     * Wraps the given array without copying; the caller hands over ownership.
     */
    public static Row wrap(byte[][] values)
    {
        return new Row(values);
    }

    /**
     * Appends every remaining row of {@code result} to {@code rows}, each the
     * {@link ResultSet#getBytes(int)} of its first {@code columns} columns, through plain JDBC
     * ({@link dev.ferry.api.PluginContext#readRows} may be faster).
     *
     * @return the bytes read, a NULL counting one
     */
    public static long readAll(ResultSet result, int columns, List<Row> rows)
            throws SQLException
    {
        long bytes = 0;
        while (result.next()) {
            byte[][] values = new byte[columns][];
            for (int i = 0; i < columns; i++) {
                byte[] value = result.getBytes(i + 1);
                values[i] = value;
                bytes += value == null ? 1 : value.length;
            }
            rows.add(new Row(values));
        }
        return bytes;
    }

    public int size()
    {
        return values.length;
    }

    /**
     * The value's bytes (not a copy), or null for SQL NULL.
     */
    public byte[] get(int index)
    {
        return values[index];
    }

    public boolean isNull(int index)
    {
        return values[index] == null;
    }

    /**
     * The value decoded as text, or null for SQL NULL.
     */
    public String text(int index, Charset charset)
    {
        byte[] value = values[index];
        return value == null ? null : new String(value, charset);
    }

    @Override
    public boolean equals(Object o)
    {
        return o instanceof Row other && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode()
    {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString()
    {
        return "Row[" + values.length + " values]";
    }
}
