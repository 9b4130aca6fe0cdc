package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.MySqlCharsets;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * How one table is compared: which columns, in which layout, under which key, and the SQL to read
 * them. Rows read by the verifier ({@link #selectColumns()}) hold the compared columns first,
 * then key columns that are not compared. Immutable; a schema change produces a new plan.
 *
 * <p>The row key is the copy's pagination key, else the primary key; a table with neither (or
 * with key columns that cannot be compared in SQL) is "keyless" and compared as a whole.
 */
final class TablePlan
{
    private final TableSchema schema;
    private final TableName target;
    private final List<Column> keyColumns;
    private final List<Column> selectColumns;
    private final int[] comparedInSelect;
    private final int[] keyInSelect;
    private final boolean[] snappy;
    private final int[] comparedInWritable;
    private final int[] keyInWritable;
    private final int[] keyInTable;
    private final Charset[] keyCharsets;
    private final Optional<SqlPredicate> predicate;
    private final String sourceSelect;
    private final String targetSelect;
    private final String sourceKeySelect;
    private final String targetKeySelect;
    private final String orderBy;
    private volatile TableSchema lastSeen;

    /**
     * @param ignored names of columns left out of the comparison
     * @param compressed column name to algorithm
     * @param predicate the copy filter's predicate for the source side, if any
     */
    TablePlan(TableSchema schema, TableName target, List<String> ignored, Map<String, String> compressed, Optional<SqlPredicate> predicate)
    {
        this.schema = requireNonNull(schema, "schema is null");
        this.target = requireNonNull(target, "target is null");
        this.predicate = requireNonNull(predicate, "predicate is null");
        Set<String> ignoredNames = lowerCase(ignored);
        Set<String> compressedNames = lowerCase(compressed.keySet());

        this.keyColumns = chooseKey(schema);
        List<Column> writable = schema.writableColumns();
        List<Column> select = new ArrayList<>();
        List<Boolean> compressedFlags = new ArrayList<>();
        for (Column column : writable) {
            String name = column.name().toLowerCase(Locale.ROOT);
            if (!ignoredNames.contains(name)) {
                select.add(column);
                compressedFlags.add(compressedNames.contains(name));
            }
        }
        int compared = select.size();
        for (Column column : keyColumns) {
            if (indexOf(select, column.name()) < 0) {
                select.add(column);
            }
        }
        this.selectColumns = Collections.unmodifiableList(select);
        this.comparedInSelect = new int[compared];
        boolean[] compressedColumns = new boolean[compared];
        this.comparedInWritable = new int[compared];
        boolean anyCompressed = false;
        for (int i = 0; i < compared; i++) {
            comparedInSelect[i] = i;
            compressedColumns[i] = compressedFlags.get(i);
            anyCompressed |= compressedColumns[i];
            comparedInWritable[i] = indexOf(writable, select.get(i).name());
        }
        int keySize = keyColumns.size();
        this.keyInSelect = new int[keySize];
        this.keyInWritable = new int[keySize];
        this.keyInTable = new int[keySize];
        this.keyCharsets = new Charset[keySize];
        for (int i = 0; i < keySize; i++) {
            Column column = keyColumns.get(i);
            keyInSelect[i] = indexOf(select, column.name());
            keyInWritable[i] = indexOf(writable, column.name());
            keyInTable[i] = schema.columnIndex(column.name());
            keyCharsets[i] = column.type().family() == ColumnType.Family.TEXT ? MySqlCharsets.forMySqlName(column.charset()) : StandardCharsets.UTF_8;
        }
        this.sourceSelect = "SELECT " + columnList(select) + " FROM " + schema.name().quoted();
        this.targetSelect = "SELECT " + columnList(select) + " FROM " + target.quoted();
        this.orderBy = columnList(keyColumns);
        this.sourceKeySelect = "SELECT " + orderBy + " FROM " + schema.name().quoted();
        this.targetKeySelect = "SELECT " + orderBy + " FROM " + target.quoted();
        // null lets the fingerprinter skip the per-value check
        this.snappy = anyCompressed ? compressedColumns : null;
    }

    private static List<Column> chooseKey(TableSchema schema)
    {
        List<Column> pagination = schema.paginationKey().columns();
        if (!pagination.isEmpty()) {
            return decodable(pagination) ? pagination : List.of();
        }
        Optional<IndexInfo> primary = schema.primaryKey();
        if (primary.isEmpty()) {
            return List.of();
        }
        List<Column> columns = new ArrayList<>();
        for (String name : primary.get().columns()) {
            Optional<Column> column = schema.column(name);
            // ENUM, SET and floating point sort or compare differently in SQL than their text
            if (column.isEmpty() || !column.get().isPaginationCapable() || column.get().nullable()) {
                return List.of();
            }
            columns.add(column.get());
        }
        return decodable(columns) ? List.copyOf(columns) : List.of();
    }

    /**
     * Whether every text key column has a charset keys can be decoded with; a table whose key
     * cannot be is compared whole, which needs no decoding.
     */
    private static boolean decodable(List<Column> columns)
    {
        for (Column column : columns) {
            if (column.type().family() == ColumnType.Family.TEXT) {
                try {
                    MySqlCharsets.forMySqlName(column.charset());
                }
                catch (IllegalArgumentException e) {
                    return false;
                }
            }
        }
        return true;
    }

    TableSchema schema()
    {
        return schema;
    }

    TableName source()
    {
        return schema.name();
    }

    TableName target()
    {
        return target;
    }

    /**
     * Whether rows have no usable key, so that the table is compared as a whole.
     */
    boolean keyless()
    {
        return keyColumns.isEmpty();
    }

    /**
     * Whether copied batches come in key order (a paginated copy), so that their key span can
     * be read from the target as a range.
     */
    boolean batchesOrdered()
    {
        return !schema.paginationKey().isFullCopy();
    }

    /**
     * Whether this plan was built for {@code other} or for an equal structure seen before.
     */
    boolean builtFor(TableSchema other)
    {
        return schema == other || lastSeen == other;
    }

    /**
     * Remembers another instance of the same structure, so that the next lookup with it is an
     * identity check (the applier and the catalog may hold different instances).
     */
    void seen(TableSchema other)
    {
        lastSeen = other;
    }

    /**
     * Whether copied batches (which hold the writable columns) carry the whole key.
     */
    boolean batchesHaveKey()
    {
        if (keyless()) {
            return false;
        }
        for (int position : keyInWritable) {
            if (position < 0) {
                return false;
            }
        }
        return true;
    }

    List<Column> keyColumns()
    {
        return keyColumns;
    }

    List<Column> selectColumns()
    {
        return selectColumns;
    }

    int[] comparedInSelect()
    {
        return comparedInSelect;
    }

    int[] keyInSelect()
    {
        return keyInSelect;
    }

    int[] comparedInWritable()
    {
        return comparedInWritable;
    }

    int[] keyInWritable()
    {
        return keyInWritable;
    }

    int[] keyInTable()
    {
        return keyInTable;
    }

    /**
     * Per compared column, whether it is Snappy-compressed; null when none is.
     */
    boolean[] snappy()
    {
        return snappy;
    }

    Optional<SqlPredicate> predicate()
    {
        return predicate;
    }

    /**
     * Whether this plan's key still fits {@code other}: same key column names and types.
     */
    boolean sameKey(TablePlan other)
    {
        if (keyColumns.size() != other.keyColumns.size()) {
            return false;
        }
        for (int i = 0; i < keyColumns.size(); i++) {
            Column a = keyColumns.get(i);
            Column b = other.keyColumns.get(i);
            if (!a.name().equalsIgnoreCase(b.name()) || a.type() != b.type() || a.unsigned() != b.unsigned()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key of a row whose key columns sit at {@code positions}, or null when one is NULL.
     */
    Key keyOf(Row row, int[] positions)
    {
        KeyValue[] values = new KeyValue[positions.length];
        for (int i = 0; i < positions.length; i++) {
            byte[] wire = row.get(positions[i]);
            if (wire == null) {
                return null;
            }
            values[i] = KeyValue.fromWire(keyColumns.get(i), wire, keyCharsets[i]);
        }
        return Key.of(values);
    }

    /**
     * Whether two rows have byte-identical keys.
     */
    static boolean sameKeyBytes(Row a, int[] aPositions, Row b, int[] bPositions)
    {
        for (int i = 0; i < aPositions.length; i++) {
            if (!java.util.Arrays.equals(a.get(aPositions[i]), b.get(bPositions[i]))) {
                return false;
            }
        }
        return true;
    }

    // ---- SQL

    enum Side
    {
        SOURCE, TARGET
    }

    /**
     * A key bound of a range scan.
     */
    record Bound(Key key, boolean inclusive) {}

    /**
     * Rows with keys in {@code (lower, upper)} (bounds may be null), in key order, at most
     * {@code limit} (0: no limit). The source side adds the copy filter's predicate.
     */
    Query range(Side side, Bound lower, Bound upper, int limit)
    {
        Query query = new Query(side == Side.SOURCE ? sourceSelect : targetSelect);
        if (lower != null) {
            query.where();
            compare(query, lower.key(), lower.inclusive() ? ">=" : ">", lower.inclusive());
        }
        if (upper != null) {
            query.where();
            compare(query, upper.key(), upper.inclusive() ? "<=" : "<", upper.inclusive());
        }
        if (side == Side.SOURCE) {
            addPredicate(query);
        }
        query.sql.append(" ORDER BY ").append(orderBy);
        if (limit > 0) {
            query.sql.append(" LIMIT ").append(limit);
        }
        return query;
    }

    /**
     * Rows with the given keys, in key order; the source side adds the copy filter's predicate.
     */
    Query keys(Side side, List<Key> keys)
    {
        Query query = new Query(side == Side.SOURCE ? sourceSelect : targetSelect);
        query.where();
        appendKeyIn(query, keys.size());
        for (int k = 0; k < keys.size(); k++) {
            Key key = keys.get(k);
            for (int part = 0; part < keyColumns.size(); part++) {
                query.key(keyColumns.get(part), key.get(part));
            }
        }
        if (side == Side.SOURCE) {
            addPredicate(query);
        }
        query.sql.append(" ORDER BY ").append(orderBy);
        return query;
    }

    /**
     * Rows with the keys of {@code rows[from, to)}, whose key columns sit at {@code positions},
     * bound from their bytes; target side.
     */
    Query targetKeysOf(List<Row> rows, int from, int to, int[] positions)
    {
        Query query = new Query(targetSelect);
        query.where();
        appendKeyIn(query, to - from);
        for (int r = from; r < to; r++) {
            Row row = rows.get(r);
            for (int part = 0; part < keyColumns.size(); part++) {
                query.wire(keyColumns.get(part), keyCharsets[part], row.get(positions[part]));
            }
        }
        query.sql.append(" ORDER BY ").append(orderBy);
        return query;
    }

    /**
     * The key columns only of target rows after {@code lower} (null: from the start), in key
     * order, at most {@code limit}.
     */
    Query targetKeys(Bound lower, int limit)
    {
        Query query = new Query(targetKeySelect);
        if (lower != null) {
            query.where();
            compare(query, lower.key(), lower.inclusive() ? ">=" : ">", lower.inclusive());
        }
        query.sql.append(" ORDER BY ").append(orderBy).append(" LIMIT ").append(limit);
        return query;
    }

    /**
     * The key columns only of the source rows with the keys of {@code rows}, whose key columns
     * sit at {@code positions}; without the copy filter's predicate.
     */
    Query sourceKeysOf(List<Row> rows, int[] positions)
    {
        Query query = new Query(sourceKeySelect);
        query.where();
        appendKeyIn(query, rows.size());
        for (Row row : rows) {
            for (int part = 0; part < keyColumns.size(); part++) {
                query.wire(keyColumns.get(part), keyCharsets[part], row.get(positions[part]));
            }
        }
        return query;
    }

    /**
     * Every row of the table (keyless comparison); the source side adds the copy filter's predicate.
     */
    Query all(Side side)
    {
        Query query = new Query(side == Side.SOURCE ? sourceSelect : targetSelect);
        if (side == Side.SOURCE) {
            addPredicate(query);
        }
        return query;
    }

    /**
     * {@code SELECT MIN(k), MAX(k)} of a single-column key on the source.
     */
    String minMaxSql()
    {
        String column = keyColumns.get(0).quotedName();
        return "SELECT MIN(" + column + "), MAX(" + column + ") FROM " + schema.name().quoted();
    }

    private void appendKeyIn(Query query, int count)
    {
        StringBuilder sql = query.sql;
        if (keyColumns.size() == 1) {
            sql.append(keyColumns.get(0).quotedName()).append(" IN (");
            for (int i = 0; i < count; i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            sql.append(')');
            return;
        }
        // OR of ANDs rather than a row-constructor IN: both MySQL and MariaDB range-scan it
        sql.append('(');
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "(" : " OR (");
            for (int part = 0; part < keyColumns.size(); part++) {
                if (part > 0) {
                    sql.append(" AND ");
                }
                sql.append(keyColumns.get(part).quotedName()).append(" = ?");
            }
            sql.append(')');
        }
        sql.append(')');
    }

    /**
     * A composite comparison {@code (a, b) > (x, y)} written as
     * {@code a >= x AND (a > x OR (a = x AND b > y))}, which both MySQL's and MariaDB's range
     * optimizers use (MariaDB does not range-scan row constructors).
     */
    private void compare(Query query, Key key, String operator, boolean inclusive)
    {
        StringBuilder sql = query.sql;
        int n = keyColumns.size();
        String strict = operator.substring(0, 1);
        if (n == 1) {
            sql.append(keyColumns.get(0).quotedName()).append(' ').append(operator).append(" ?");
            query.key(keyColumns.get(0), key.get(0));
            return;
        }
        sql.append('(').append(keyColumns.get(0).quotedName()).append(' ').append(strict).append("= ? AND (");
        query.key(keyColumns.get(0), key.get(0));
        for (int term = 0; term < n; term++) {
            if (term > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int eq = 0; eq < term; eq++) {
                sql.append(keyColumns.get(eq).quotedName()).append(" = ? AND ");
                query.key(keyColumns.get(eq), key.get(eq));
            }
            boolean last = term == n - 1;
            sql.append(keyColumns.get(term).quotedName()).append(' ').append(last && inclusive ? operator : strict).append(" ?)");
            query.key(keyColumns.get(term), key.get(term));
        }
        sql.append("))");
    }

    private void addPredicate(Query query)
    {
        if (predicate.isPresent()) {
            query.where();
            query.sql.append('(').append(predicate.get().sql()).append(')');
            for (Object parameter : predicate.get().parameters()) {
                query.raw(parameter);
            }
        }
    }

    private static String columnList(List<Column> columns)
    {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(columns.get(i).quotedName());
        }
        return text.toString();
    }

    private static int indexOf(List<Column> columns, String name)
    {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Set<String> lowerCase(java.util.Collection<String> names)
    {
        Set<String> result = new TreeSet<>();
        for (String name : names) {
            result.add(name.toLowerCase(Locale.ROOT));
        }
        return result;
    }
}
