package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys still to re-verify, per table, deduplicated and bounded: a table that collects more than
 * {@code maxKeysPerTable} keys (or has no usable key) is re-verified whole instead.
 *
 * <p>A re-verification round {@link #takeAll takes} a table's keys, compares them, and
 * {@link #finish finishes} with the keys that still differ, which go back. A key recorded again
 * while its round runs stays pending, so no change is lost. Thread-safe.
 */
final class KeyBacklog
{
    private final int maxKeysPerTable;
    private final ConcurrentHashMap<TableName, TableKeys> tables = new ConcurrentHashMap<>();

    private static final class TableKeys
    {
        final Set<Key> pending = ConcurrentHashMap.newKeySet();
        final Set<Key> inFlight = ConcurrentHashMap.newKeySet();
        volatile boolean wholeTable;
    }

    KeyBacklog(int maxKeysPerTable)
    {
        if (maxKeysPerTable < 1) {
            throw new IllegalArgumentException("maxKeysPerTable must be positive");
        }
        this.maxKeysPerTable = maxKeysPerTable;
    }

    void add(TableName table, Key key)
    {
        TableKeys keys = tables.computeIfAbsent(table, ignored -> new TableKeys());
        if (keys.wholeTable) {
            return;
        }
        if (keys.pending.size() + keys.inFlight.size() >= maxKeysPerTable && !keys.pending.contains(key)) {
            markWhole(keys);
            return;
        }
        keys.pending.add(key);
    }

    /**
     * Records the keys of applied row events: both images' keys of an update that moves a row.
     * Runs on the applier thread: no queries.
     */
    void record(List<RowEvent> events, Plans plans)
    {
        for (int i = 0; i < events.size(); i++) {
            RowEvent event = events.get(i);
            TablePlan plan = plans.of(event.table());
            TableName table = plan.source();
            if (plan.keyless()) {
                addWholeTable(table);
                continue;
            }
            int[] positions = plan.keyInTable();
            Row before = event.before();
            Row after = event.after();
            if (before != null) {
                Key key = plan.keyOf(before, positions);
                if (key == null) {
                    addWholeTable(table);
                    continue;
                }
                add(table, key);
            }
            if (after != null && (before == null || !TablePlan.sameKeyBytes(before, positions, after, positions))) {
                Key key = plan.keyOf(after, positions);
                if (key == null) {
                    addWholeTable(table);
                    continue;
                }
                add(table, key);
            }
        }
    }

    /**
     * A sink that puts differing keys back into this backlog.
     */
    DiffSink sink()
    {
        return new DiffSink()
        {
            @Override
            public void differs(TableName table, Key key)
            {
                add(table, key);
            }

            @Override
            public void tableDiffers(TableName table, String reason)
            {
                addWholeTable(table);
            }
        };
    }

    /**
     * From now on the table is re-verified whole; its keys are dropped.
     */
    void addWholeTable(TableName table)
    {
        markWhole(tables.computeIfAbsent(table, ignored -> new TableKeys()));
    }

    private static void markWhole(TableKeys keys)
    {
        keys.wholeTable = true;
        keys.pending.clear();
    }

    boolean wholeTable(TableName table)
    {
        TableKeys keys = tables.get(table);
        return keys != null && keys.wholeTable;
    }

    /**
     * Tables with keys or marked whole, sorted.
     */
    List<TableName> tables()
    {
        List<TableName> result = new ArrayList<>(tables.keySet());
        result.sort(null);
        return result;
    }

    /**
     * Moves every pending key of {@code table} to the in-flight set and returns them.
     */
    List<Key> takeAll(TableName table)
    {
        TableKeys keys = tables.get(table);
        if (keys == null || keys.wholeTable) {
            return List.of();
        }
        List<Key> taken = new ArrayList<>(keys.pending.size());
        for (Key key : keys.pending) {
            if (keys.pending.remove(key)) {
                keys.inFlight.add(key);
                taken.add(key);
            }
        }
        return taken;
    }

    /**
     * Ends the round of {@code taken} keys: those in {@code differing} (which may also hold keys
     * the server found equal to a taken one) are pending again, the rest are done.
     */
    void finish(TableName table, Collection<Key> taken, Collection<Key> differing)
    {
        TableKeys keys = tables.get(table);
        if (keys == null) {
            return;
        }
        for (Key key : differing) {
            add(table, key);
        }
        keys.inFlight.removeAll(taken);
    }

    /**
     * Pending and in-flight keys of {@code table}, sorted.
     */
    List<Key> snapshot(TableName table)
    {
        TableKeys keys = tables.get(table);
        if (keys == null) {
            return List.of();
        }
        java.util.TreeSet<Key> all = new java.util.TreeSet<>(keys.pending);
        all.addAll(keys.inFlight);
        return new ArrayList<>(all);
    }

    void remove(TableName table)
    {
        tables.remove(table);
    }

    /**
     * Keys pending or in flight over all tables.
     */
    long size()
    {
        long total = 0;
        for (TableKeys keys : tables.values()) {
            total += keys.pending.size() + keys.inFlight.size();
        }
        return total;
    }

    long size(TableName table)
    {
        TableKeys keys = tables.get(table);
        return keys == null ? 0 : keys.pending.size() + keys.inFlight.size();
    }

    /**
     * The value of {@code "tables"} in the saved state ({@link StateJson}), tables sorted.
     */
    List<Object> toJson()
    {
        List<Object> result = new ArrayList<>();
        Map<TableName, TableKeys> sorted = new TreeMap<>(tables);
        for (Map.Entry<TableName, TableKeys> entry : sorted.entrySet()) {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("database", entry.getKey().database());
            table.put("table", entry.getKey().table());
            table.put("wholeTable", entry.getValue().wholeTable);
            List<Object> keys = new ArrayList<>();
            for (Key key : snapshot(entry.getKey())) {
                keys.add(KeyText.write(key));
            }
            table.put("keys", keys);
            result.add(table);
        }
        return result;
    }

    /**
     * Restores tables written by {@link #toJson}; {@code keySize} gives the current key arity
     * of a table (0 when it has no usable key, -1 when it is no longer copied), and a table whose
     * saved keys do not fit is marked whole.
     *
     * @throws IllegalArgumentException when the JSON does not have the expected shape
     */
    void readJson(Object tablesJson, java.util.function.ToIntFunction<TableName> keySize)
    {
        if (!(tablesJson instanceof List<?> list)) {
            throw new IllegalArgumentException("\"tables\" is not an array");
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException("a table entry is not an object");
            }
            if (!(entry.get("database") instanceof String database) || !(entry.get("table") instanceof String name)) {
                throw new IllegalArgumentException("a table entry lacks \"database\" or \"table\"");
            }
            TableName table = new TableName(database, name);
            int size = keySize.applyAsInt(table);
            if (size < 0) {
                continue;
            }
            if (Boolean.TRUE.equals(entry.get("wholeTable")) || size == 0) {
                addWholeTable(table);
                continue;
            }
            if (!(entry.get("keys") instanceof List<?> keys)) {
                throw new IllegalArgumentException("table " + table + " has no \"keys\" array");
            }
            for (Object json : keys) {
                Key key = KeyText.read(json);
                if (key.size() != size) {
                    addWholeTable(table);
                    break;
                }
                add(table, key);
            }
        }
    }
}
