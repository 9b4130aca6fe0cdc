package dev.ferry.api.model;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How a table is paginated during the copy: by one or more columns forming a unique, non-null
 * key, or not at all ({@link #fullCopy()}: the whole table read at once under a lock).
 *
 * @param columns key columns in index order; empty for a full copy
 * @param source why these columns were chosen, for messages: {@code primary key},
 *        {@code copy.paginationColumns}, {@code fallback column} or {@code full copy}
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
