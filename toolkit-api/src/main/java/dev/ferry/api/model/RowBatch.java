package dev.ferry.api.model;

import dev.ferry.api.RuntimeBuilt;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Rows read by one copy step, in key order.
 *
 * @param table the source table's schema
 * @param columns the columns each row holds, in order (the table's writable columns)
 * @param rows the rows, never empty
 * @param lastKey the pagination key of the last row, or null for a full-copy table
 */
@RuntimeBuilt
public record RowBatch(TableSchema table, List<Column> columns, List<Row> rows, Key lastKey)
{
    public RowBatch
    {
        requireNonNull(table, "table is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
    }

    public int size()
    {
        return rows.size();
    }
}
