package dev.ferry.api.model;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Rows read by one copy step, in key order.
 *
 * @param table the source table's schema
 * @param columns the columns each row holds, in order (the table's writable columns)
 * @param rows the rows, never empty
 * @param keys the pagination key of each row, same order as {@code rows}; empty for a full copy
 */
public record RowBatch(TableSchema table, List<Column> columns, List<Row> rows, List<Key> keys)
{
    public RowBatch
    {
        requireNonNull(table, "table is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
        keys = List.copyOf(requireNonNull(keys, "keys is null"));
        if (!keys.isEmpty() && keys.size() != rows.size()) {
            throw new IllegalArgumentException("keys and rows differ in size");
        }
    }

    public int size()
    {
        return rows.size();
    }
}
