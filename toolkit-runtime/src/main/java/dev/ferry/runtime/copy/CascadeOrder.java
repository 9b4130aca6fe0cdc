package dev.ferry.runtime.copy;

import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tables' copies wait for which others, for the applier's reproduced cascades
 * ({@code apply.Cascades}): a cascade two or more levels deep finds the grandchildren on the
 * target by joining through the children's target rows, so a child row the copy has not written
 * yet would hide its own children from the cascade (and, deleted on the source meanwhile, never
 * arrive). A table referencing, with an {@code ON DELETE} or {@code ON UPDATE} action, a table
 * that is itself such a cascading child therefore starts its copy only once that table's copy
 * ended. Only tables earlier in the copy order are waited for (the copy queues tasks in that
 * order, so waiting cannot deadlock); a self-reference or a later table in a cycle is not, which
 * docs/consistency.md#foreign-keys lists as a limit.
 */
final class CascadeOrder
{
    private CascadeOrder() {}

    /**
     * For each table of {@code tables} (in copy order) that must wait, the earlier tables whose
     * copy it waits for.
     */
    static Map<TableName, List<TableName>> waits(List<TableSchema> tables)
    {
        Set<TableName> moved = new HashSet<>();
        for (TableSchema table : tables) {
            moved.add(table.name());
        }
        Set<TableName> cascadingChildren = new HashSet<>();
        for (TableSchema table : tables) {
            for (ForeignKey key : table.foreignKeys()) {
                if (acts(key) && moved.contains(key.referencedTable())) {
                    cascadingChildren.add(table.name());
                }
            }
        }
        Map<TableName, List<TableName>> result = new LinkedHashMap<>();
        Set<TableName> earlier = new HashSet<>();
        for (TableSchema table : tables) {
            List<TableName> waits = new ArrayList<>();
            for (ForeignKey key : table.foreignKeys()) {
                TableName parent = key.referencedTable();
                if (acts(key) && earlier.contains(parent) && cascadingChildren.contains(parent) && !waits.contains(parent)) {
                    waits.add(parent);
                }
            }
            if (!waits.isEmpty()) {
                result.put(table.name(), List.copyOf(waits));
            }
            earlier.add(table.name());
        }
        return result;
    }

    /**
     * The tables of {@code tables} (the moved ones) whose rows a reproduced cascade reaches by
     * joining through the target rows of another moved table: a table with an acting foreign key
     * to a table whose own foreign key's action goes on to it (its parent rows deleted by
     * {@code ON DELETE CASCADE}, or the columns it references set by the parent's key). The binlog
     * applier writes such a table's rows from the start of the move, its copy only after its
     * parents' copies: a row the applier wrote whose parent row the copy had not written yet was
     * hidden from the cascades that reached it through that parent (a shipment row inserted just
     * after the binlog position the move started from, for a line inserted just before it, kept
     * its old order id on the target when the order was re-keyed). Such a table is copied in
     * resync mode, which overwrites and deletes what the applier left differing from the source;
     * a table without a pagination key (copied whole, never as a resync) is not listed.
     */
    static Set<TableName> reachedThroughOthers(List<TableSchema> tables)
    {
        Map<TableName, TableSchema> moved = new LinkedHashMap<>();
        for (TableSchema table : tables) {
            moved.put(table.name(), table);
        }
        Set<TableName> result = new LinkedHashSet<>();
        for (TableSchema table : tables) {
            if (table.paginationKey().isFullCopy()) {
                continue;
            }
            for (ForeignKey key : table.foreignKeys()) {
                TableSchema parent = moved.get(key.referencedTable());
                if (parent == null || !acts(key)) {
                    continue;
                }
                for (ForeignKey parentKey : parent.foreignKeys()) {
                    if (moved.containsKey(parentKey.referencedTable()) && goesOn(parentKey, key)) {
                        result.add(table.name());
                    }
                }
            }
        }
        return result;
    }

    /**
     * Whether a cascade through {@code parentKey} (changing rows of its table) goes on through
     * {@code key} (a foreign key to that table).
     */
    private static boolean goesOn(ForeignKey parentKey, ForeignKey key)
    {
        if (parentKey.onDelete() == ForeignKey.Action.CASCADE && key.onDelete().changesReferencingRows()) {
            return true;
        }
        boolean setsColumns = parentKey.onUpdate().changesReferencingRows()
                || parentKey.onDelete().changesReferencingRows() && parentKey.onDelete() != ForeignKey.Action.CASCADE;
        if (!setsColumns || !key.onUpdate().changesReferencingRows()) {
            return false;
        }
        for (String column : parentKey.columns()) {
            for (String referenced : key.referencedColumns()) {
                if (column.equalsIgnoreCase(referenced)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean acts(ForeignKey key)
    {
        return key.onDelete().changesReferencingRows() || key.onUpdate().changesReferencingRows();
    }
}
