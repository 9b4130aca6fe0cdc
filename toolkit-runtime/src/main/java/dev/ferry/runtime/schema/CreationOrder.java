package dev.ferry.runtime.schema;

import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The order in which tables are created on the target (and copied): as configured in
 * {@code copy.tableCreationOrder}, else referenced tables before the tables whose foreign keys
 * point at them. Tables outside the configured order follow it, by name. The order is a
 * convenience for whoever watches the target, not a requirement: ferry's target sessions run with
 * {@code foreign_key_checks=0}, so a cycle of foreign keys (Sakila's {@code store <-> staff}) is
 * broken at the table reached first by name.
 */
public final class CreationOrder
{
    private CreationOrder() {}

    public static List<TableSchema> order(Collection<TableSchema> tables, List<TableName> configured)
    {
        Map<TableName, TableSchema> byName = new TreeMap<>();
        for (TableSchema table : tables) {
            byName.put(table.name(), table);
        }
        if (!configured.isEmpty()) {
            List<TableSchema> result = new ArrayList<>();
            for (TableName name : configured) {
                TableSchema table = byName.remove(name);
                if (table == null) {
                    throw new SchemaException("copy.tableCreationOrder lists " + name + ", which is not among the tables to copy");
                }
                result.add(table);
            }
            result.addAll(byName.values());
            return result;
        }
        return inferred(byName);
    }

    private static List<TableSchema> inferred(Map<TableName, TableSchema> byName)
    {
        Map<TableName, Set<TableName>> dependsOn = new LinkedHashMap<>();
        for (TableSchema table : byName.values()) {
            Set<TableName> parents = new LinkedHashSet<>();
            for (ForeignKey key : table.foreignKeys()) {
                if (!key.referencedTable().equals(table.name()) && byName.containsKey(key.referencedTable())) {
                    parents.add(key.referencedTable());
                }
            }
            dependsOn.put(table.name(), parents);
        }
        List<TableSchema> result = new ArrayList<>();
        Set<TableName> done = new LinkedHashSet<>();
        Set<TableName> visiting = new LinkedHashSet<>();
        for (TableName name : byName.keySet()) {
            visit(name, byName, dependsOn, done, visiting, result);
        }
        return result;
    }

    private static void visit(TableName name, Map<TableName, TableSchema> byName, Map<TableName, Set<TableName>> dependsOn,
            Set<TableName> done, Set<TableName> visiting, List<TableSchema> result)
    {
        if (done.contains(name)) {
            return;
        }
        if (!visiting.add(name)) {
            // a cycle: target sessions run with foreign_key_checks=0, so any order of its tables works
            return;
        }
        for (TableName parent : dependsOn.get(name)) {
            visit(parent, byName, dependsOn, done, visiting, result);
        }
        visiting.remove(name);
        done.add(name);
        result.add(byName.get(name));
    }
}
