package dev.ferry.runtime.schema;

import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The current schema of every moved table. The binlog decoder reads it for each rows event; the
 * DDL applier replaces entries after a schema change, between events, so events after a DDL are
 * decoded with the new schema and events before it with the old one.
 */
public final class SchemaRegistry
{
    private final Map<TableName, TableSchema> tables = new ConcurrentHashMap<>();
    private final List<Consumer<TableSchema>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<TableName>> removalListeners = new CopyOnWriteArrayList<>();

    public SchemaRegistry(Collection<TableSchema> initial)
    {
        for (TableSchema table : initial) {
            tables.put(table.name(), table);
        }
    }

    public Optional<TableSchema> get(TableName table)
    {
        return Optional.ofNullable(tables.get(table));
    }

    public boolean contains(TableName table)
    {
        return tables.containsKey(table);
    }

    public List<TableSchema> all()
    {
        return List.copyOf(tables.values());
    }

    public void put(TableSchema table)
    {
        tables.put(table.name(), table);
        for (Consumer<TableSchema> listener : listeners) {
            listener.accept(table);
        }
    }

    public void remove(TableName table)
    {
        if (tables.remove(table) != null) {
            for (Consumer<TableName> listener : removalListeners) {
                listener.accept(table);
            }
        }
    }

    /**
     * Called with the new schema whenever a table's schema is replaced or added.
     */
    public void onChange(Consumer<TableSchema> listener)
    {
        listeners.add(listener);
    }

    /**
     * Called with the name of every table removed (dropped, renamed away or no longer accepted).
     */
    public void onRemove(Consumer<TableName> listener)
    {
        removalListeners.add(listener);
    }

    /**
     * Each table's schema fingerprint, in the order given: what a state records to tell whether
     * a resume meets the same structures.
     */
    public static Map<TableName, String> fingerprints(Collection<TableSchema> tables)
    {
        Map<TableName, String> result = new LinkedHashMap<>();
        for (TableSchema table : tables) {
            result.put(table.name(), table.fingerprint());
        }
        return result;
    }
}
