package dev.ferry.api.model;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How a table is paginated during the copy: by one or more columns forming a unique, non-null
 * key, or not at all ({@link #fullCopy()}: the whole table read at once under a lock).
 *
 * <p>The runtime chooses it (columns that pass {@link KeyColumns#problems}); plugins read it through
 * {@link TableSchema#paginationKey()}, and take the key rows are read by from
 * {@link KeyColumns#rowKey}.
 *
 * @param columns key columns in index order; empty for a full copy
 * @param source why these columns were chosen, for messages: {@code primary key},
 *        {@code copy.paginationColumns}, {@code copy filter}, {@code copy.fallbackColumn} or
 *        {@code full copy}
 */
public record PaginationKey(List<Column> columns, String source)
{
    public PaginationKey
    {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(source, "source is null");
    }

    public static PaginationKey fullCopy()
    {
        return new PaginationKey(List.of(), "full copy");
    }

    public boolean isFullCopy()
    {
        return columns.isEmpty();
    }
}
