package dev.ferry.runtime.apply;

import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which binlog row events change rows the binlog does not show: MariaDB and MySQL log only the
 * parent's row event of a delete or referenced-key update whose foreign keys {@code CASCADE},
 * {@code SET NULL} or {@code SET DEFAULT}. Built from the foreign keys of the moved tables
 * (referencing tables that are not moved are not the applier's business).
 */
final class Cascades
{
    private static final int[] NONE = new int[0];

    private record Incoming(TableName child, ForeignKey key) {}

    private final Map<TableName, List<Incoming>> incoming = new HashMap<>();
    private final Map<TableName, Set<TableName>> reach = new HashMap<>();
    private final Map<TableSchema, int[]> updateColumns = new IdentityHashMap<>();

    Cascades(Collection<TableSchema> tables)
    {
        for (TableSchema table : tables) {
            for (ForeignKey key : table.foreignKeys()) {
                incoming.computeIfAbsent(key.referencedTable(), ignored -> new ArrayList<>()).add(new Incoming(table.name(), key));
            }
        }
    }

    /**
     * Whether a delete of a row of {@code table} changes referencing rows.
     */
    boolean deleteCascades(TableName table)
    {
        for (Incoming in : incoming.getOrDefault(table, List.of())) {
            if (in.key().onDelete().changesReferencingRows()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Positions (in the table's columns) of the columns referenced by a foreign key whose
     * {@code ON UPDATE} action changes referencing rows; empty when there is none.
     */
    int[] cascadingUpdateColumns(TableSchema table)
    {
        int[] cached = updateColumns.get(table);
        if (cached != null) {
            return cached;
        }
        Set<Integer> positions = new TreeSet<>();
        for (Incoming in : incoming.getOrDefault(table.name(), List.of())) {
            if (in.key().onUpdate().changesReferencingRows()) {
                for (String column : in.key().referencedColumns()) {
                    int position = table.columnIndex(column);
                    if (position >= 0 && !table.columns().get(position).generated()) {
                        positions.add(position);
                    }
                }
            }
        }
        int[] result = positions.isEmpty() ? NONE : positions.stream().mapToInt(Integer::intValue).toArray();
        updateColumns.put(table, result);
        return result;
    }

    /**
     * Whether applying {@code event} must let the target's foreign keys act: a delete of a row
     * referenced with a cascading {@code ON DELETE}, or an update that changes a column referenced
     * with a cascading {@code ON UPDATE}.
     */
    boolean needsCascade(RowEvent event)
    {
        switch (event.type()) {
            case INSERT:
                return false;
            case DELETE:
                return deleteCascades(event.table().name());
            default:
                return changed(cascadingUpdateColumns(event.table()), event.before(), event.after()).length > 0;
        }
    }

    /**
     * The positions among {@code columns} whose values differ between the two images.
     */
    static int[] changed(int[] columns, Row before, Row after)
    {
        if (columns.length == 0) {
            return NONE;
        }
        int[] result = new int[columns.length];
        int count = 0;
        for (int position : columns) {
            if (!Arrays.equals(before.get(position), after.get(position))) {
                result[count++] = position;
            }
        }
        return count == result.length ? result : Arrays.copyOf(result, count);
    }

    /**
     * Whether some moved table references {@code table} with an action that changes its rows.
     */
    boolean hasCascadingChildren(TableName table)
    {
        for (Incoming in : incoming.getOrDefault(table, List.of())) {
            if (in.key().onDelete().changesReferencingRows() || in.key().onUpdate().changesReferencingRows()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tables a cascade from {@code table} may change, transitively, without {@code table}
     * itself unless a cycle leads back to it: the copy must not write a batch of one of them while
     * the cascade is applied ({@code in-ferry} lock strategy).
     */
    Set<TableName> reachableChildren(TableName table)
    {
        Set<TableName> cached = reach.get(table);
        if (cached != null) {
            return cached;
        }
        Set<TableName> result = new TreeSet<>();
        Deque<TableName> pending = new ArrayDeque<>();
        pending.add(table);
        while (!pending.isEmpty()) {
            TableName parent = pending.poll();
            for (Incoming in : incoming.getOrDefault(parent, List.of())) {
                boolean acts = in.key().onDelete().changesReferencingRows() || in.key().onUpdate().changesReferencingRows();
                if (acts && result.add(in.child())) {
                    pending.add(in.child());
                }
            }
        }
        Set<TableName> frozen = Set.copyOf(result);
        reach.put(table, frozen);
        return frozen;
    }
}
