package dev.ferry.api.model;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The SQL of reads by key, for one (possibly composite) key: range conditions
 * ({@code key > ?}, {@code key <= ?}), key lookups ({@code key IN (...)}), {@code ORDER BY}, and
 * the binding of key values. The copy and the verifiers build their key SQL here, so that both
 * read exactly the same rows for the same key bounds; plugins that read by key use it too.
 *
 * <p>Key values are bound so that the server compares them exactly and can use the key's index:
 * integers as integers (unsigned values above 2^63-1, up to 2^64-1, as exact decimals), decimals
 * as decimals, text as text in the column's charset so that its collation applies, binary
 * strings as bytes (see {@link SqlParameters}).
 *
 * <p>Which columns form a table's key is decided by {@link KeyColumns}. Immutable and
 * thread-safe.
 */
public final class KeySql
{
    /**
     * A comparison of the key with a bound key.
     */
    public enum Operator
    {
        GREATER(">", ">=", false),
        GREATER_OR_EQUAL(">", ">=", true),
        LESS("<", "<=", false),
        LESS_OR_EQUAL("<", "<=", true);

        private final String strict;
        private final String inclusive;
        private final boolean includesBound;

        Operator(String strict, String inclusive, boolean includesBound)
        {
            this.strict = strict;
            this.inclusive = inclusive;
            this.includesBound = includesBound;
        }
    }

    private final List<Column> columns;
    private final Column[] parts;
    private final Charset[] charsets;
    private final String columnList;

    private KeySql(List<Column> columns)
    {
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        if (this.columns.isEmpty()) {
            throw new IllegalArgumentException("a key has at least one column");
        }
        this.parts = this.columns.toArray(Column[]::new);
        this.charsets = new Charset[parts.length];
        for (int i = 0; i < parts.length; i++) {
            charsets[i] = charsetOf(parts[i]);
        }
        this.columnList = columnList(this.columns);
    }

    /**
     * The key SQL of {@code columns}, in key order.
     *
     * @throws IllegalArgumentException when {@code columns} is empty, or a text column has a
     *         character set ferry cannot decode (see {@link KeyColumns#problems})
     */
    public static KeySql of(List<Column> columns)
    {
        return new KeySql(columns);
    }

    /**
     * The key columns in key order.
     */
    public List<Column> columns()
    {
        return columns;
    }

    public int size()
    {
        return parts.length;
    }

    /**
     * {@code `a`, `b`}: the key columns, for a {@code SELECT} of keys.
     */
    public String columnList()
    {
        return columnList;
    }

    /**
     * {@code `a`, `b`} or {@code `a` DESC, `b` DESC}, for {@code ORDER BY}.
     */
    public String orderBy(boolean descending)
    {
        if (!descending) {
            return columnList;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            text.append(i == 0 ? "" : ", ").append(parts[i].quotedName()).append(" DESC");
        }
        return text.toString();
    }

    /**
     * The condition {@code key <operator> bound}. A composite comparison {@code (a, b) > (x, y)}
     * is written as {@code a >= x AND (a > x OR (a = x AND b > y))}: the same order as SQL's row
     * comparison, in a form both MySQL's and MariaDB's range optimizers read with the key's index
     * (MariaDB does not range-scan row constructors).
     */
    public Condition compare(Operator operator)
    {
        requireNonNull(operator, "operator is null");
        int n = parts.length;
        StringBuilder text = new StringBuilder();
        List<Integer> bound = new ArrayList<>();
        if (n == 1) {
            text.append(parts[0].quotedName()).append(' ').append(operator.includesBound ? operator.inclusive : operator.strict).append(" ?");
            return new Condition(this, text.toString(), new int[] {0});
        }
        text.append('(').append(parts[0].quotedName()).append(' ').append(operator.inclusive).append(" ? AND (");
        bound.add(0);
        for (int term = 0; term < n; term++) {
            if (term > 0) {
                text.append(" OR ");
            }
            text.append('(');
            for (int eq = 0; eq < term; eq++) {
                text.append(parts[eq].quotedName()).append(" = ? AND ");
                bound.add(eq);
            }
            boolean last = term == n - 1;
            text.append(parts[term].quotedName()).append(' ').append(last && operator.includesBound ? operator.inclusive : operator.strict).append(" ?)");
            bound.add(term);
        }
        text.append("))");
        int[] result = new int[bound.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = bound.get(i);
        }
        return new Condition(this, text.toString(), result);
    }

    /**
     * The condition that the key is one of {@code count} keys: {@code `a` IN (?, ?)}, or for a
     * composite key {@code ((`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?))}, which both MySQL and
     * MariaDB range-scan (a row-constructor {@code IN} is not on MariaDB). Parameters: each key's
     * parts in key order, key after key ({@link #bindKey}).
     */
    public String in(int count)
    {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive (got " + count + ")");
        }
        StringBuilder sql = new StringBuilder();
        if (parts.length == 1) {
            sql.append(parts[0].quotedName()).append(" IN (");
            for (int i = 0; i < count; i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            return sql.append(')').toString();
        }
        sql.append('(');
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "(" : " OR (");
            for (int part = 0; part < parts.length; part++) {
                sql.append(part == 0 ? "" : " AND ").append(parts[part].quotedName()).append(" = ?");
            }
            sql.append(')');
        }
        return sql.append(')').toString();
    }

    /**
     * The condition that the key is none of {@code count} keys, for deletes:
     * {@code `a` NOT IN (?,?)} or {@code (`a`, `b`) NOT IN ((?,?),(?,?))}. Parameters as
     * {@link #in}.
     */
    public String notIn(int count)
    {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive (got " + count + ")");
        }
        StringBuilder tuple = new StringBuilder(parts.length == 1 ? "?" : "(");
        if (parts.length > 1) {
            for (int i = 0; i < parts.length; i++) {
                tuple.append(i == 0 ? "?" : ",?");
            }
            tuple.append(')');
        }
        StringBuilder sql = new StringBuilder();
        sql.append(parts.length == 1 ? parts[0].quotedName() : "(" + columnList + ")").append(" NOT IN (");
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ",").append(tuple);
        }
        return sql.append(')').toString();
    }

    /**
     * The key of a row whose key columns sit at {@code positions}, in key order; null when one of
     * them is SQL NULL.
     *
     * @param row values in the bytes of the text protocol ({@code ResultSet.getBytes})
     */
    public Key keyOf(Row row, int[] positions)
    {
        KeyValue[] values = new KeyValue[parts.length];
        for (int i = 0; i < parts.length; i++) {
            byte[] wire = row.get(positions[i]);
            if (wire == null) {
                return null;
            }
            values[i] = KeyValue.fromWire(parts[i], wire, charsets[i]);
        }
        return Key.of(values);
    }

    /**
     * Binds part {@code part} of {@code key} at {@code index}.
     */
    public void bind(PreparedStatement statement, int index, Key key, int part)
            throws SQLException
    {
        SqlParameters.bindKeyValue(statement, index, parts[part], key.get(part));
    }

    /**
     * Binds every part of {@code key} in key order from {@code index}, as {@link #in} expects.
     *
     * @return the index after the last one bound
     */
    public int bindKey(PreparedStatement statement, int index, Key key)
            throws SQLException
    {
        for (int part = 0; part < parts.length; part++) {
            SqlParameters.bindKeyValue(statement, index++, parts[part], key.get(part));
        }
        return index;
    }

    /**
     * Binds part {@code part} of a key straight from a row's bytes (not null), without decoding
     * it to a {@link KeyValue}: as {@link SqlParameters#bindWire}, except that a temporal value
     * goes as text, which the server reads as a date and time when it compares it with the column.
     */
    public void bindWire(PreparedStatement statement, int index, int part, byte[] wire)
            throws SQLException
    {
        Column column = parts[part];
        if (wire != null && column.type().family() == ColumnType.Family.TEMPORAL) {
            statement.setString(index, new String(wire, charsets[part]));
            return;
        }
        SqlParameters.bindWire(statement, index, column, charsets[part], wire);
    }

    /**
     * The charset a text column's values are decoded with; UTF-8 for other columns.
     *
     * @throws IllegalArgumentException for a character set ferry cannot decode
     */
    public static Charset charsetOf(Column column)
    {
        return column.type().family() == ColumnType.Family.TEXT ? MySqlCharsets.forMySqlName(column.charset()) : StandardCharsets.UTF_8;
    }

    /**
     * {@code `a`, `b`}: quoted column names.
     */
    public static String columnList(List<Column> columns)
    {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(columns.get(i).quotedName());
        }
        return text.toString();
    }

    /**
     * A key condition's SQL and which key part each of its {@code ?} takes. Immutable.
     */
    public static final class Condition
    {
        private final KeySql key;
        private final String sql;
        private final int[] parts;

        private Condition(KeySql key, String sql, int[] parts)
        {
            this.key = key;
            this.sql = sql;
            this.parts = parts;
        }

        public String sql()
        {
            return sql;
        }

        /**
         * How many parameters the condition has.
         */
        public int parameterCount()
        {
            return parts.length;
        }

        /**
         * The key part the {@code i}-th parameter takes.
         */
        public int part(int i)
        {
            return parts[i];
        }

        /**
         * Binds the condition's parameters for the bound {@code bound} from {@code index}.
         *
         * @return the index after the last one bound
         */
        public int bind(PreparedStatement statement, int index, Key bound)
                throws SQLException
        {
            for (int i = 0; i < parts.length; i++) {
                key.bind(statement, index++, bound, parts[i]);
            }
            return index;
        }

        @Override
        public String toString()
        {
            return sql;
        }
    }
}
