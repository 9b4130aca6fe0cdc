package dev.ferry.runtime.copy;

import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    private static boolean acts(ForeignKey key)
    {
        return key.onDelete().changesReferencingRows() || key.onUpdate().changesReferencingRows();
    }
}
