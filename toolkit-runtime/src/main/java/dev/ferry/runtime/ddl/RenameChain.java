package dev.ferry.runtime.ddl;

import dev.ferry.api.model.TableName;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The net effect of {@code RENAME TABLE a TO b, c TO d, ...}, whose pairs run in order: in
 * {@code a TO tmp, b TO a, tmp TO b} the name {@code tmp} exists only in between, and {@code a}
 * and {@code b} swap contents, so both are affected and replaced while nothing is created or
 * dropped.
 */
final class RenameChain
{
    private RenameChain() {}

    static void addNetEffect(List<Rename> renames, ParsedDdl.Builder builder)
    {
        // final name -> the name its table had before the statement
        Map<TableName, TableName> origins = new LinkedHashMap<>();
        Set<TableName> moved = new LinkedHashSet<>();
        for (Rename rename : renames) {
            TableName from = rename.from();
            boolean renamedBefore = origins.containsKey(from);
            TableName origin = renamedBefore ? origins.remove(from) : from;
            if (!renamedBefore) {
                moved.add(from);
            }
            origins.put(rename.to(), origin);
        }
        for (TableName origin : moved) {
            builder.affected(origin);
            if (!origins.containsKey(origin)) {
                builder.dropped(origin);
            }
            else if (!origins.get(origin).equals(origin)) {
                builder.replaced(origin);
            }
        }
        for (Map.Entry<TableName, TableName> entry : origins.entrySet()) {
            TableName name = entry.getKey();
            if (!moved.contains(name)) {
                builder.created(name);
            }
            builder.renamed(entry.getValue(), name);
        }
    }

    /**
     * One {@code from TO to} pair, names resolved.
     */
    record Rename(TableName from, TableName to)
    {
        Rename
        {
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
        }
    }
}
