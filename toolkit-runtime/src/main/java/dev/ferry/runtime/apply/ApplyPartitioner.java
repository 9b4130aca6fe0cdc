package dev.ferry.runtime.apply;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Splits a batch of row events into parts that can be applied on separate target connections at
 * the same time, in the spirit of MySQL's WRITESET dependency tracking: two events land in the
 * same part when they may touch the same target row or compete for the same unique value, and a
 * part keeps its events in binlog order. Each event is described by a set of dependency keys:
 * <ul>
 * <li>the table and identifying key ({@link ApplyKey}) of its old and of its new image;</li>
 * <li>the table, index and values of every unique index in either image (a NULL is never
 * unique, so an image with one takes no key for that index): a delete and a re-insert of the
 * same unique value, or a value moved from one row to another, stay in order;</li>
 * <li>columns whose equality the bytes do not decide are left out of a key, which makes the key
 * coarser and never finer: text in a collation that is not binary (case, accents and trailing
 * spaces may compare equal), FLOAT and DOUBLE ({@code -0} equals {@code 0}); a key left with no
 * column is the whole index, so every event of the table with a value there shares it. Trailing
 * spaces and NUL bytes are stripped from binary-compared strings for the same reason;</li>
 * <li>a table without an identifying key: the table (every event of it stays in one part);</li>
 * <li>a table joined to others by a cascading foreign key (as parent or child, directly or
 * through others): the whole group of such tables, because the applier derives the children's
 * changes from the parent's event ({@link Cascades}) and those must stay in order with the
 * children's own events.</li>
 * </ul>
 * Events that share a key, directly or through a chain of others, form one group (union-find);
 * groups go to parts largest first, each to the part with the fewest events so far. Immutable
 * once built from a set of schemas, apart from a cache of per-table plans: one thread only.
 */
final class ApplyPartitioner
{
    /**
     * A dependency key: {@code scope} is a table name or a foreign-key group; {@code index} is
     * -1 for the identifying key, the position in {@link TableSchema#indexes()} for a unique
     * index, -2 for "the whole table or group".
     */
    private record Key(Object scope, int index, byte[][] values)
    {
        @Override
        public boolean equals(Object o)
        {
            return o instanceof Key other && index == other.index && scope.equals(other.scope) && Arrays.deepEquals(values, other.values);
        }

        @Override
        public int hashCode()
        {
            return (scope.hashCode() * 31 + index) * 31 + Arrays.deepHashCode(values);
        }
    }

    private static final byte[][] NO_VALUES = new byte[0][];

    /**
     * How the events of one table are keyed.
     *
     * @param whole a key for all of the table's events, or null when they are keyed by row
     * @param indexes the identifying key first, then the unique indexes: column positions
     * @param compared per index, for each of its columns whether its bytes decide equality
     * @param indexIds per index, the id in {@link Key#index}
     */
    private record TablePlan(Key whole, int[][] indexes, boolean[][] compared, int[] indexIds) {}

    private final Map<TableName, Object> cascadeGroups;
    private final Map<TableSchema, TablePlan> plans = new IdentityHashMap<>();

    /**
     * @param tables the moved tables, whose cascading foreign keys join them into groups
     */
    ApplyPartitioner(Collection<TableSchema> tables)
    {
        this.cascadeGroups = cascadeGroups(tables);
    }

    /**
     * The parts of {@code batch}, at most {@code parts} of them, none empty, each in batch order;
     * the batch itself when it cannot be split. {@code event} says which row event an item stands for.
     */
    <T> List<List<T>> partition(List<T> batch, Function<? super T, RowEvent> event, int parts)
    {
        if (parts <= 1 || batch.size() <= 1) {
            return List.of(batch);
        }
        int[] parent = new int[batch.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<Key, Integer> owners = new HashMap<>(batch.size() * 4);
        List<Key> keys = new ArrayList<>(8);
        for (int i = 0; i < batch.size(); i++) {
            keys.clear();
            keysOf(event.apply(batch.get(i)), keys);
            for (int k = 0; k < keys.size(); k++) {
                Integer owner = owners.putIfAbsent(keys.get(k), i);
                if (owner != null) {
                    union(parent, owner, i);
                }
            }
        }
        // group sizes by root
        int[] size = new int[batch.size()];
        int groups = 0;
        for (int i = 0; i < parent.length; i++) {
            int root = find(parent, i);
            if (size[root]++ == 0) {
                groups++;
            }
        }
        if (groups == 1) {
            return List.of(batch);
        }
        int partCount = Math.min(parts, groups);
        Integer[] roots = new Integer[groups];
        int r = 0;
        for (int i = 0; i < size.length; i++) {
            if (size[i] > 0) {
                roots[r++] = i;
            }
        }
        Arrays.sort(roots, (a, b) -> Integer.compare(size[b], size[a]));
        int[] load = new int[partCount];
        int[] partOfRoot = new int[batch.size()];
        for (Integer root : roots) {
            int least = 0;
            for (int p = 1; p < partCount; p++) {
                if (load[p] < load[least]) {
                    least = p;
                }
            }
            load[least] += size[root];
            partOfRoot[root] = least;
        }
        List<List<T>> result = new ArrayList<>(partCount);
        for (int p = 0; p < partCount; p++) {
            result.add(new ArrayList<>(load[p]));
        }
        for (int i = 0; i < batch.size(); i++) {
            result.get(partOfRoot[find(parent, i)]).add(batch.get(i));
        }
        return result;
    }

    /**
     * Whether applying events of {@code table} again is not harmless: rows of a table without an
     * identifying key are matched by content (an insert applied twice adds two rows), and the
     * cascades derived for a group of tables act on the target's rows as they are now. These
     * tables are also the ones whose events stay in one part.
     */
    boolean replaysInexactly(TableSchema table)
    {
        return plan(table).whole() != null;
    }

    /**
     * Adds the dependency keys of {@code event} to {@code keys}.
     */
    private void keysOf(RowEvent event, List<Key> keys)
    {
        TablePlan plan = plan(event.table());
        if (plan.whole() != null) {
            keys.add(plan.whole());
            return;
        }
        Object scope = event.table().name();
        if (event.before() != null) {
            addRowKeys(scope, plan, event.before(), keys);
        }
        if (event.after() != null) {
            addRowKeys(scope, plan, event.after(), keys);
        }
    }

    private static void addRowKeys(Object scope, TablePlan plan, Row row, List<Key> keys)
    {
        for (int i = 0; i < plan.indexes().length; i++) {
            int[] columns = plan.indexes()[i];
            boolean[] compared = plan.compared()[i];
            int count = 0;
            boolean hasNull = false;
            for (int c = 0; c < columns.length; c++) {
                if (row.isNull(columns[c])) {
                    hasNull = true;
                }
                if (compared[c]) {
                    count++;
                }
            }
            // the identifying key is never NULL; a unique index with a NULL constrains nothing
            if (hasNull && i > 0) {
                continue;
            }
            byte[][] values = count == 0 ? NO_VALUES : new byte[count][];
            int v = 0;
            for (int c = 0; c < columns.length; c++) {
                if (compared[c]) {
                    values[v++] = trimmed(row.get(columns[c]));
                }
            }
            keys.add(new Key(scope, plan.indexIds()[i], values));
        }
    }

    /**
     * The value without trailing spaces and NUL bytes: PAD SPACE collations and the binlog's
     * BINARY(n) images may differ there for values the server takes as equal.
     */
    private static byte[] trimmed(byte[] value)
    {
        if (value == null) {
            return null;
        }
        int end = value.length;
        while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == 0)) {
            end--;
        }
        return end == value.length ? value : Arrays.copyOf(value, end);
    }

    private TablePlan plan(TableSchema table)
    {
        TablePlan plan = plans.get(table);
        if (plan == null) {
            plan = buildPlan(table);
            plans.put(table, plan);
        }
        return plan;
    }

    private TablePlan buildPlan(TableSchema table)
    {
        Object group = cascadeGroups.get(table.name());
        if (group != null) {
            return new TablePlan(new Key(group, -2, NO_VALUES), null, null, null);
        }
        Optional<int[]> identifying = ApplyKey.positions(table);
        if (identifying.isEmpty()) {
            return new TablePlan(new Key(table.name(), -2, NO_VALUES), null, null, null);
        }
        List<int[]> indexes = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        indexes.add(identifying.get());
        ids.add(-1);
        for (int i = 0; i < table.indexes().size(); i++) {
            IndexInfo index = table.indexes().get(i);
            int[] columns = table.columnIndexes(index.columns());
            if (index.unique() && !Arrays.equals(columns, identifying.get())) {
                indexes.add(columns);
                ids.add(i);
            }
        }
        int[][] positions = indexes.toArray(int[][]::new);
        boolean[][] compared = new boolean[positions.length][];
        for (int i = 0; i < positions.length; i++) {
            compared[i] = new boolean[positions[i].length];
            for (int c = 0; c < positions[i].length; c++) {
                compared[i][c] = bytesDecideEquality(table.columns().get(positions[i][c]));
            }
        }
        return new TablePlan(null, positions, compared, ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Whether two values of {@code column} that differ in their bytes (trailing spaces and NULs
     * aside) are different to the server's unique check.
     */
    static boolean bytesDecideEquality(Column column)
    {
        switch (column.type().family()) {
            case FLOATING:
            case JSON:
            case SPATIAL:
            case OTHER:
                return false;
            case TEXT:
                if (column.type() == ColumnType.ENUM || column.type() == ColumnType.SET) {
                    return true;
                }
                String collation = column.collation();
                return collation != null && (collation.toLowerCase(Locale.ROOT).endsWith("_bin") || collation.equalsIgnoreCase("binary"));
            default:
                return true;
        }
    }

    /**
     * Each moved table joined to another (or itself) by a foreign key whose delete or update
     * action changes the children, mapped to its group's name.
     */
    private static Map<TableName, Object> cascadeGroups(Collection<TableSchema> tables)
    {
        Map<TableName, TableName> parent = new HashMap<>();
        for (TableSchema table : tables) {
            for (ForeignKey key : table.foreignKeys()) {
                if (key.onDelete().changesReferencingRows() || key.onUpdate().changesReferencingRows()) {
                    union(parent, table.name(), key.referencedTable());
                }
            }
        }
        Map<TableName, Object> groups = new HashMap<>();
        for (TableName table : parent.keySet()) {
            groups.put(table, "cascade group of " + find(parent, table));
        }
        return groups;
    }

    private static TableName find(Map<TableName, TableName> parent, TableName table)
    {
        TableName current = table;
        while (true) {
            TableName next = parent.getOrDefault(current, current);
            if (next.equals(current)) {
                return current;
            }
            current = next;
        }
    }

    private static void union(Map<TableName, TableName> parent, TableName a, TableName b)
    {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        TableName rootA = find(parent, a);
        TableName rootB = find(parent, b);
        if (!rootA.equals(rootB)) {
            // the smaller name becomes the root: the group's name does not depend on the order
            if (rootA.compareTo(rootB) < 0) {
                parent.put(rootB, rootA);
            }
            else {
                parent.put(rootA, rootB);
            }
        }
    }

    private static int find(int[] parent, int i)
    {
        int root = i;
        while (parent[root] != root) {
            root = parent[root];
        }
        while (parent[i] != root) {
            int next = parent[i];
            parent[i] = root;
            i = next;
        }
        return root;
    }

    private static void union(int[] parent, int a, int b)
    {
        int rootA = find(parent, a);
        int rootB = find(parent, b);
        if (rootA != rootB) {
            parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
        }
    }
}
