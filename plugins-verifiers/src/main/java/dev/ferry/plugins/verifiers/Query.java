package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.Row;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A SELECT under construction and its parameters. Key conditions and their binding come from
 * {@link KeySql}, so the verifiers read exactly the rows the copy reads for the same key bounds.
 */
final class Query
{
    final StringBuilder sql;
    private final List<Object> parameters = new ArrayList<>();
    private boolean hasWhere;

    private record Bound(KeySql.Condition condition, Key key) {}

    private record Keys(KeySql key, List<Key> keys) {}

    private record KeysOf(KeySql key, List<Row> rows, int from, int to, int[] positions) {}

    Query(String select)
    {
        this.sql = new StringBuilder(select.length() + 64).append(select);
    }

    void where()
    {
        sql.append(hasWhere ? " AND " : " WHERE ");
        hasWhere = true;
    }

    /**
     * Adds the key condition {@code condition} against {@code key}.
     */
    void condition(KeySql.Condition condition, Key key)
    {
        where();
        sql.append(condition.sql());
        parameters.add(new Bound(condition, key));
    }

    /**
     * Adds the condition that the key is one of {@code keys} (not empty).
     */
    void keys(KeySql key, List<Key> keys)
    {
        where();
        sql.append(key.in(keys.size()));
        parameters.add(new Keys(key, List.copyOf(keys)));
    }

    /**
     * Adds the condition that the key is one of those of {@code rows[from, to)}, whose key columns
     * sit at {@code positions}, bound from their bytes.
     */
    void keysOf(KeySql key, List<Row> rows, int from, int to, int[] positions)
    {
        where();
        sql.append(key.in(to - from));
        parameters.add(new KeysOf(key, rows, from, to, positions));
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
     * Reads a result's rows as raw bytes: {@link dev.ferry.api.PluginContext#readRows} (the
     * runtime's is faster than JDBC's), or {@link Row#readAll}.
     */
    @FunctionalInterface
    interface Reader
    {
        long read(ResultSet result, int columns, List<Row> rows)
                throws SQLException;
    }

    /**
     * Runs the query and returns every row, each holding {@code columns} values as raw bytes.
     */
    List<Row> fetch(Connection connection, int columns, Reader reader)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            bind(statement);
            List<Row> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                reader.read(result, columns, rows);
            }
            return rows;
        }
    }

    void bind(PreparedStatement statement)
            throws SQLException
    {
        int index = 1;
        for (int i = 0; i < parameters.size(); i++) {
            Object parameter = parameters.get(i);
            if (parameter instanceof Bound bound) {
                index = bound.condition().bind(statement, index, bound.key());
            }
            else if (parameter instanceof Keys keys) {
                for (int k = 0; k < keys.keys().size(); k++) {
                    index = keys.key().bindKey(statement, index, keys.keys().get(k));
                }
            }
            else if (parameter instanceof KeysOf keysOf) {
                int[] positions = keysOf.positions();
                for (int r = keysOf.from(); r < keysOf.to(); r++) {
                    Row row = keysOf.rows().get(r);
                    for (int part = 0; part < positions.length; part++) {
                        keysOf.key().bindWire(statement, index++, part, row.get(positions[part]));
                    }
                }
            }
            else if (parameter instanceof java.math.BigInteger big) {
                statement.setBigDecimal(index++, new BigDecimal(big));
            }
            else {
                statement.setObject(index++, parameter);
            }
        }
    }
}
