package dev.ferry.runtime.apply;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.SqlParameters;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.sql.InsertStatement;
import dev.ferry.runtime.sql.SqlLiterals;
import dev.ferry.runtime.sql.StatementTag;
import dev.ferry.api.model.KeySql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The statements that apply row events of one table to its target table. Built once per schema
 * version and reused for every batch.
 */
final class TableStatements
{
    private final TableSchema schema;
    private final TableName target;
    private final int[] writable;
    private final int[] key;
    private final InsertStatement upsert;
    private final InsertStatement insert;
    private final String deleteByKeyPrefix;
    private final String deleteByKeyTerm;
    private final String deleteByRow;
    private final Column[] columns;
    private final java.nio.charset.Charset[] charsets;
    private final boolean compactable;
    // whether deletes by key can be sent as text: no key column is text (bound as a string in
    // the connection's character set); the others take the literals setLong, setBigDecimal and
    // setBytes produce (SqlParameters.bindWire)
    private final boolean keyRenderable;
    // the text before each key value in a delete's term: "(`a` = ", " AND `b` = "
    private final String[] deleteByKeyParts;
    // for each key column, whether its values are numbers (written as their digits, else as hex)
    private final boolean[] keyNumbers;

    /**
     * A row's identifying key values, compared by their bytes.
     */
    record RowKey(byte[][] values)
    {
        @Override
        public boolean equals(Object o)
        {
            return o instanceof RowKey other && Arrays.deepEquals(values, other.values);
        }

        @Override
        public int hashCode()
        {
            return Arrays.deepHashCode(values);
        }
    }

    /**
     * @param tag put in front of every statement
     */
    TableStatements(TableSchema schema, TableName target, StatementTag tag)
    {
        this.schema = requireNonNull(schema, "schema is null");
        this.target = requireNonNull(target, "target is null");
        List<Column> writableColumns = schema.writableColumns();
        this.writable = new int[writableColumns.size()];
        for (int i = 0; i < writable.length; i++) {
            writable[i] = writableColumns.get(i).ordinal();
        }
        this.columns = schema.columns().toArray(Column[]::new);
        this.charsets = new java.nio.charset.Charset[columns.length];
        for (int i = 0; i < columns.length; i++) {
            charsets[i] = KeySql.charsetOf(columns[i]);
        }
        Optional<int[]> keyPositions = ApplyKey.positions(schema);
        this.key = keyPositions.orElse(null);
        // with other unique keys, an image older than the target's rows (the copy ran ahead of
        // the applier, or a resume applies events again) may hold a unique value another row holds
        // now: REPLACE removes that row, and its own later event (which must follow, as the value
        // was taken after this image) sets it again. INSERT ... ON DUPLICATE KEY UPDATE would
        // rewrite that other row instead, or fail on a duplicate key.
        this.upsert = new InsertStatement(target, writableColumns, otherUniqueKeys(schema, key) ? InsertStatement.Mode.REPLACE : InsertStatement.Mode.UPSERT, tag);
        this.insert = new InsertStatement(target, writableColumns, InsertStatement.Mode.PLAIN, tag);
        int keyLength = key == null ? 0 : key.length;
        this.deleteByKeyParts = new String[keyLength];
        this.keyNumbers = new boolean[keyLength];
        boolean renderable = key != null;
        StringBuilder term = new StringBuilder(keyLength == 0 ? "(" : "");
        for (int i = 0; i < keyLength; i++) {
            Column column = schema.columns().get(key[i]);
            deleteByKeyParts[i] = (i == 0 ? "(" : " AND ") + column.quotedName() + " = ";
            term.append(deleteByKeyParts[i]).append('?');
            ColumnType.Family family = column.type().family();
            keyNumbers[i] = family == ColumnType.Family.INTEGER || family == ColumnType.Family.DECIMAL;
            renderable &= family != ColumnType.Family.TEXT;
        }
        this.deleteByKeyTerm = term.append(')').toString();
        this.keyRenderable = renderable;
        this.deleteByKeyPrefix = tag.prefix() + "DELETE FROM " + target.quoted() + " WHERE ";
        StringBuilder row = new StringBuilder(tag.prefix()).append("DELETE FROM ").append(target.quoted()).append(" WHERE ");
        for (int i = 0; i < writable.length; i++) {
            row.append(i == 0 ? "" : " AND ").append(schema.columns().get(writable[i]).quotedName()).append(" <=> ?");
        }
        this.deleteByRow = row.append(" LIMIT 1").toString();
        this.compactable = key != null && exactKey(schema, key);
    }

    /**
     * Whether the rows a batch touches can be reduced to their final states: the identifying key
     * is the table's only unique index (an upsert can only meet its own row), and its columns
     * are numbers or temporals, whose bytes in row images are equal exactly when the server
     * takes the values as equal (text may be equal under a collation, or with trailing spaces,
     * with other bytes).
     */
    boolean compactable()
    {
        return compactable;
    }

    private static boolean otherUniqueKeys(TableSchema schema, int[] key)
    {
        if (key == null) {
            return false;
        }
        for (IndexInfo index : schema.indexes()) {
            if (index.unique() && !Arrays.equals(schema.columnIndexes(index.columns()), key)) {
                return true;
            }
        }
        return false;
    }

    private static boolean exactKey(TableSchema schema, int[] key)
    {
        int unique = 0;
        for (IndexInfo index : schema.indexes()) {
            if (index.unique()) {
                unique++;
            }
        }
        if (unique != 1) {
            return false;
        }
        for (int position : key) {
            switch (schema.columns().get(position).type().family()) {
                case INTEGER:
                case DECIMAL:
                case TEMPORAL:
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    RowKey rowKey(Row row)
    {
        byte[][] values = new byte[key.length][];
        for (int i = 0; i < key.length; i++) {
            values[i] = row.get(key[i]);
        }
        return new RowKey(values);
    }

    TableSchema schema()
    {
        return schema;
    }

    TableName target()
    {
        return target;
    }

    boolean isKeyless()
    {
        return key == null;
    }

    /**
     * Whether an update changed the identifying key, so the old row must go first.
     */
    boolean keyChanged(Row before, Row after)
    {
        if (key == null) {
            return true;
        }
        for (int position : key) {
            if (!java.util.Arrays.equals(before.get(position), after.get(position))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Upserts rows {@code [from, to)} (keyed tables) or inserts them (keyless tables).
     */
    void write(Connection connection, List<Row> rows, int from, int to, long maxStatementBytes)
            throws SQLException
    {
        InsertStatement statement = key == null ? insert : upsert;
        int start = from;
        while (start < to) {
            int end = start;
            long size = 0;
            while (end < to && (end == start || size < maxStatementBytes)) {
                size += InsertStatement.estimatedSize(rows.get(end), writable);
                end++;
            }
            statement.execute(connection, rows, start, end, writable);
            start = end;
        }
    }

    /**
     * Deletes the rows whose old images are {@code [from, to)}.
     */
    void delete(Connection connection, List<Row> rows, int from, int to)
            throws SQLException
    {
        if (key == null) {
            // one row each (LIMIT 1: a keyless table may hold equal rows), sent as one batch
            try (PreparedStatement prepared = connection.prepareStatement(deleteByRow)) {
                for (int r = from; r < to; r++) {
                    Row row = rows.get(r);
                    for (int i = 0; i < writable.length; i++) {
                        int position = writable[i];
                        SqlParameters.bindWire(prepared, i + 1, columns[position], charsets[position], row.get(position));
                    }
                    prepared.addBatch();
                }
                prepared.executeBatch();
            }
            return;
        }
        int chunk = Math.max(1, 10_000 / key.length);
        for (int start = from; start < to; start += chunk) {
            int end = Math.min(to, start + chunk);
            String text = keyRenderable ? renderDelete(rows, start, end) : null;
            if (text != null) {
                SqlLiterals.executeUpdate(connection, text);
                continue;
            }
            StringBuilder sql = new StringBuilder(deleteByKeyPrefix.length() + (end - start) * (deleteByKeyTerm.length() + 4));
            sql.append(deleteByKeyPrefix);
            for (int r = start; r < end; r++) {
                sql.append(r == start ? "" : " OR ").append(deleteByKeyTerm);
            }
            try (PreparedStatement prepared = connection.prepareStatement(sql.toString())) {
                int index = 1;
                for (int r = start; r < end; r++) {
                    Row row = rows.get(r);
                    for (int position : key) {
                        SqlParameters.bindWire(prepared, index++, columns[position], charsets[position], row.get(position));
                    }
                }
                prepared.executeUpdate();
            }
        }
    }

    /**
     * The delete of the rows whose old images are {@code [from, to)} with the key values written
     * in: numbers as their text, other values as hex literals, as the driver would send them
     * bound; null when a number is not plain text (the caller then binds the values).
     */
    private String renderDelete(List<Row> rows, int from, int to)
    {
        StringBuilder sql = new StringBuilder(deleteByKeyPrefix.length() + (to - from) * (deleteByKeyTerm.length() + 16 * key.length));
        sql.append(deleteByKeyPrefix);
        for (int r = from; r < to; r++) {
            Row row = rows.get(r);
            if (r > from) {
                sql.append(" OR ");
            }
            for (int i = 0; i < key.length; i++) {
                byte[] value = row.get(key[i]);
                sql.append(deleteByKeyParts[i]);
                if (keyNumbers[i]) {
                    if (!SqlLiterals.appendPlainNumber(sql, value)) {
                        return null;
                    }
                }
                else if (value == null) {
                    // a key column is never NULL (ApplyKey); bound, "= NULL" would match nothing as well
                    return null;
                }
                else {
                    SqlLiterals.appendHex(sql, value);
                }
            }
            sql.append(')');
        }
        return sql.toString();
    }
}
