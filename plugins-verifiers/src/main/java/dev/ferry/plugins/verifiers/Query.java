package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.SqlParameters;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A SELECT under construction and its parameters. Keys are bound so that the server compares
 * them exactly and can use the key's index: integers as integers (unsigned values above
 * {@code Long.MAX_VALUE} as exact decimals), decimals as decimals, text as text so that the
 * column's collation applies, binary strings as bytes.
 */
final class Query
{
    final StringBuilder sql;
    private final List<Object> parameters = new ArrayList<>();
    private boolean hasWhere;

    private record KeyParameter(Column column, KeyValue value) {}

    private record WireParameter(Column column, Charset charset, byte[] wire) {}

    Query(String select)
    {
        this.sql = new StringBuilder(select.length() + 64).append(select);
    }

    void where()
    {
        sql.append(hasWhere ? " AND " : " WHERE ");
        hasWhere = true;
    }

    void key(Column column, KeyValue value)
    {
        parameters.add(new KeyParameter(column, value));
    }

    void wire(Column column, Charset charset, byte[] wire)
    {
        parameters.add(new WireParameter(column, charset, wire));
    }

    /**
     * A copy-filter parameter: String, Long, BigInteger, BigDecimal, byte[] or null.
     */
    void raw(Object value)
    {
        parameters.add(value);
    }

    String sql()
    {
        return sql.toString();
    }

    /**
     * Runs the query and returns every row, each holding {@code columns} values as raw bytes.
     */
    List<Row> fetch(Connection connection, int columns)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            bind(statement);
            List<Row> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    byte[][] values = new byte[columns][];
                    for (int i = 0; i < columns; i++) {
                        values[i] = result.getBytes(i + 1);
                    }
                    rows.add(Row.wrap(values));
                }
            }
            return rows;
        }
    }

    void bind(PreparedStatement statement)
            throws SQLException
    {
        for (int i = 0; i < parameters.size(); i++) {
            Object parameter = parameters.get(i);
            int index = i + 1;
            if (parameter instanceof KeyParameter key) {
                SqlParameters.bindKeyValue(statement, index, key.column(), key.value());
            }
            else if (parameter instanceof WireParameter wire) {
                bindWire(statement, index, wire.column(), wire.charset(), wire.wire());
            }
            else if (parameter instanceof java.math.BigInteger big) {
                statement.setBigDecimal(index, new BigDecimal(big));
            }
            else {
                statement.setObject(index, parameter);
            }
        }
    }

    /**
     * As {@link SqlParameters#bindWire}, except that temporal values go as text: compared with a
     * temporal column, the server reads a string as a date and time.
     */
    static void bindWire(PreparedStatement statement, int index, Column column, Charset charset, byte[] wire)
            throws SQLException
    {
        if (wire != null && column.type().family() == ColumnType.Family.TEMPORAL) {
            statement.setString(index, new String(wire, charset));
            return;
        }
        SqlParameters.bindWire(statement, index, column, charset, wire);
    }
}
