package dev.ferry.api.model;

import dev.ferry.api.RuntimeBuilt;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A foreign key from a table to a referenced table.
 */
@RuntimeBuilt
public record ForeignKey(String name, List<String> columns, TableName referencedTable, List<String> referencedColumns)
{
    public ForeignKey
    {
        requireNonNull(name, "name is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(referencedTable, "referencedTable is null");
        referencedColumns = List.copyOf(requireNonNull(referencedColumns, "referencedColumns is null"));
    }
}
