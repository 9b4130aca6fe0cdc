package dev.ferry.plugins.verifiers;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyColumns;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

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
 * <p>The row key is {@link KeyColumns#rowKey}: the copy's pagination key, else a usable primary
 * key; a table with neither is "keyless" and compared as a whole. Key SQL and key binding come
 * from {@link KeySql}, the same the copy reads its ranges with.
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
    // null for a keyless table
    private final KeySql key;
    private final KeySql.Condition[] bounds;
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

        this.keyColumns = KeyColumns.rowKey(schema);
        this.key = keyColumns.isEmpty() ? null : KeySql.of(keyColumns);
        this.bounds = new KeySql.Condition[KeySql.Operator.values().length];
        if (key != null) {
            for (KeySql.Operator operator : KeySql.Operator.values()) {
                bounds[operator.ordinal()] = key.compare(operator);
            }
        }
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
        for (int i = 0; i < keySize; i++) {
            Column column = keyColumns.get(i);
            keyInSelect[i] = indexOf(select, column.name());
            keyInWritable[i] = indexOf(writable, column.name());
            keyInTable[i] = schema.columnIndex(column.name());
        }
        this.sourceSelect = "SELECT " + KeySql.columnList(select) + " FROM " + schema.name().quoted();
        this.targetSelect = "SELECT " + KeySql.columnList(select) + " FROM " + target.quoted();
        this.orderBy = key == null ? "" : key.orderBy(false);
        this.sourceKeySelect = "SELECT " + KeySql.columnList(keyColumns) + " FROM " + schema.name().quoted();
        this.targetKeySelect = "SELECT " + KeySql.columnList(keyColumns) + " FROM " + target.quoted();
        // null lets the fingerprinter skip the per-value check
        this.snappy = anyCompressed ? compressedColumns : null;
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
        return key.keyOf(row, positions);
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
            query.condition(bound(lower.inclusive() ? KeySql.Operator.GREATER_OR_EQUAL : KeySql.Operator.GREATER), lower.key());
        }
        if (upper != null) {
            query.condition(bound(upper.inclusive() ? KeySql.Operator.LESS_OR_EQUAL : KeySql.Operator.LESS), upper.key());
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
        query.keys(key, keys);
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
        query.keysOf(key, rows, from, to, positions);
        query.sql.append(" ORDER BY ").append(orderBy);
        return query;
    }

    /**
     * The key columns only of the rows with keys in {@code (lower, upper)} (bounds may be null),
     * in key order, at most {@code limit}; without the copy filter's predicate on either side.
     */
    Query keyRange(Side side, Bound lower, Bound upper, int limit)
    {
        Query query = new Query(side == Side.SOURCE ? sourceKeySelect : targetKeySelect);
        if (lower != null) {
            query.condition(bound(lower.inclusive() ? KeySql.Operator.GREATER_OR_EQUAL : KeySql.Operator.GREATER), lower.key());
        }
        if (upper != null) {
            query.condition(bound(upper.inclusive() ? KeySql.Operator.LESS_OR_EQUAL : KeySql.Operator.LESS), upper.key());
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
        query.keysOf(key, rows, 0, rows.size(), positions);
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

    private KeySql.Condition bound(KeySql.Operator operator)
    {
        return bounds[operator.ordinal()];
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
