package dev.ferry.runtime.core;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Child rows that a reproduced {@code ON UPDATE CASCADE} gave a new key while their table's copy
 * ran, which the copy must read again. The binlog holds only the parent's update, so the applier
 * moves the children on the target with a derived {@code UPDATE} ({@code apply.Cascades}); a child
 * row the copy had not read yet is not there to move, and under its new key it may lie in a key
 * range the copy has already finished (the open last range, for a new key past every other, or
 * any range behind a cursor): neither the binlog nor the copy would bring it. So while a table's
 * copy is open, the applier records where each such cascade put the rows (its child columns and
 * the parent's new values); when the copy's ranges are done, the copy waits for the applier to
 * catch up, copies the recorded rows again, and repeats until a round records nothing, then
 * closes the table (docs/consistency.md#foreign-keys). Thread-safe.
 */
public final class RekeyedRows
{
    /**
     * The rows of a child table whose {@code columns} equal {@code values} (the binlog's wire bytes,
     * typed by the parent's referenced {@code types}).
     */
    public record Lookup(List<Column> columns, List<Column> types, List<byte[]> values)
    {
        public Lookup
        {
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
            types = List.copyOf(requireNonNull(types, "types is null"));
            values = new ArrayList<>(requireNonNull(values, "values is null"));
        }
    }

    private final Map<TableName, List<Lookup>> open = new HashMap<>();

    /**
     * Whether a cascading update can move rows of {@code table} to another place in its key
     * order: one of its foreign keys to a moved table ({@code moved}) cascades updates into a
     * column of its pagination key.
     */
    public static boolean rekeyable(TableSchema table, Collection<TableName> moved)
    {
        if (table.paginationKey().isFullCopy()) {
            return false;
        }
        for (ForeignKey key : table.foreignKeys()) {
            if (key.onUpdate() != ForeignKey.Action.CASCADE || !moved.contains(key.referencedTable())) {
                continue;
            }
            for (String column : key.columns()) {
                for (Column keyColumn : table.paginationKey().columns()) {
                    if (keyColumn.name().equalsIgnoreCase(column)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Starts recording for {@code table}, before its copy reads any row; nothing if already open.
     */
    public synchronized void open(TableName table)
    {
        open.putIfAbsent(table, new ArrayList<>());
    }

    public synchronized boolean isOpen(TableName table)
    {
        return open.containsKey(table);
    }

    /**
     * Records where a cascade moved rows of {@code table}, if its copy is open.
     */
    public synchronized void record(TableName table, Lookup lookup)
    {
        List<Lookup> lookups = open.get(table);
        if (lookups != null) {
            lookups.add(lookup);
        }
    }

    /**
     * The lookups recorded for {@code table} since the last call, which are forgotten; when there
     * are none, {@code table} is closed in the same step, so no record can fall between the two.
     */
    public synchronized List<Lookup> takeOrClose(TableName table)
    {
        List<Lookup> lookups = open.get(table);
        if (lookups == null) {
            return List.of();
        }
        if (lookups.isEmpty()) {
            open.remove(table);
            return List.of();
        }
        open.put(table, new ArrayList<>());
        return lookups;
    }
}
