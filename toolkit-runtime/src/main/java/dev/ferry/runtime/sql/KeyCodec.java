package dev.ferry.runtime.sql;

import dev.ferry.api.model.MySqlCharsets;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.SqlParameters;

import java.nio.charset.Charset;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads pagination keys out of rows and binds them as statement parameters, so that the server
 * compares them exactly: integers as integers (unsigned ones as exact decimals, never as floating
 * point), decimals as decimals, text by the column's collation, binary strings byte by byte.
 */
public final class KeyCodec
{
    private final Column[] columns;
    private final int[] positions;
    private final Charset[] charsets;

    /**
     * @param key the pagination key
     * @param rowColumns the columns rows hold, in order; must include every key column
     */
    public KeyCodec(PaginationKey key, List<Column> rowColumns)
    {
        requireNonNull(key, "key is null");
        int size = key.columns().size();
        this.columns = new Column[size];
        this.positions = new int[size];
        this.charsets = new Charset[size];
        for (int i = 0; i < size; i++) {
            Column column = key.columns().get(i);
            columns[i] = column;
            positions[i] = positionOf(rowColumns, column.name());
            charsets[i] = column.type().family() == ColumnType.Family.TEXT ? MySqlCharsets.forMySqlName(column.charset()) : null;
        }
    }

    public int size()
    {
        return columns.length;
    }

    /**
     * The key of a row.
     */
    public Key keyOf(Row row)
    {
        KeyValue[] values = new KeyValue[columns.length];
        for (int i = 0; i < columns.length; i++) {
            byte[] wire = row.get(positions[i]);
            if (wire == null) {
                throw new IllegalStateException("key column " + columns[i].name() + " is NULL");
            }
            values[i] = KeyValue.fromWire(columns[i], wire, charsets[i] == null ? java.nio.charset.StandardCharsets.UTF_8 : charsets[i]);
        }
        return Key.of(values);
    }

    /**
     * Binds the {@code part}-th value of {@code key} at {@code index}.
     */
    public void bind(PreparedStatement statement, int index, Key key, int part)
            throws SQLException
    {
        SqlParameters.bindKeyValue(statement, index, columns[part], key.get(part));
    }

    /**
     * The charset to decode a text column's wire bytes with, or null for other columns.
     */
    public static Charset charsetOf(Column column)
    {
        return column.type().family() == ColumnType.Family.TEXT ? MySqlCharsets.forMySqlName(column.charset()) : null;
    }

    private static int positionOf(List<Column> rowColumns, String name)
    {
        for (int i = 0; i < rowColumns.size(); i++) {
            if (rowColumns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("key column " + name + " is not among the row's columns");
    }
}
