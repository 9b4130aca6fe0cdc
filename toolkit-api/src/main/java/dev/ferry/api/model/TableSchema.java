package dev.ferry.api.model;

import dev.ferry.api.RuntimeBuilt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A table's structure as loaded from {@code information_schema}, plus the pagination key ferry
 * chose for it. Immutable; a DDL produces a new instance.
 *
 * @param name the source table
 * @param columns every column in table order, generated ones included
 * @param indexes primary and secondary indexes, primary first when present
 * @param foreignKeys foreign keys of this table
 * @param paginationKey how the copy paginates this table
 * @param fingerprint a digest of the structure, equal for equal structures; used to detect
 *        schema changes between runs
 */
@RuntimeBuilt
public record TableSchema(
        TableName name,
        List<Column> columns,
        List<IndexInfo> indexes,
        List<ForeignKey> foreignKeys,
        PaginationKey paginationKey,
        String fingerprint)
{
    public TableSchema
    {
        requireNonNull(name, "name is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        indexes = List.copyOf(requireNonNull(indexes, "indexes is null"));
        foreignKeys = List.copyOf(requireNonNull(foreignKeys, "foreignKeys is null"));
        requireNonNull(paginationKey, "paginationKey is null");
        requireNonNull(fingerprint, "fingerprint is null");
    }

    /**
     * A copy with another pagination key.
     */
    public TableSchema withPaginationKey(PaginationKey key)
    {
        return new TableSchema(name, columns, indexes, foreignKeys, key, fingerprint);
    }

    public Optional<Column> column(String columnName)
    {
        for (Column column : columns) {
            if (column.name().equalsIgnoreCase(columnName)) {
                return Optional.of(column);
            }
        }
        return Optional.empty();
    }

    /**
     * Position of a column in {@link #columns()}, or -1; column names are case-insensitive.
     */
    public int columnIndex(String columnName)
    {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(columnName)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<IndexInfo> primaryKey()
    {
        for (IndexInfo index : indexes) {
            if (index.isPrimary()) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    /**
     * The columns ferry writes: every column that is not generated, in table order.
     */
    public List<Column> writableColumns()
    {
        List<Column> result = new ArrayList<>(columns.size());
        for (Column column : columns) {
            if (!column.generated()) {
                result.add(column);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * Column positions in {@link #columns()} of the given names, lower-cased lookup.
     */
    public int[] columnIndexes(List<String> names)
    {
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            byName.put(columns.get(i).name().toLowerCase(Locale.ROOT), i);
        }
        int[] result = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            Integer index = byName.get(names.get(i).toLowerCase(Locale.ROOT));
            if (index == null) {
                throw new IllegalArgumentException("table " + name + " has no column " + names.get(i));
            }
            result[i] = index;
        }
        return result;
    }
}
