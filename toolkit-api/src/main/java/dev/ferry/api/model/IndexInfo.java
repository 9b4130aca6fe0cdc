package dev.ferry.api.model;

import dev.ferry.api.RuntimeBuilt;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An index of a table.
 *
 * @param name index name ({@code PRIMARY} for the primary key)
 * @param columns column names in index order
 * @param unique whether the index is unique
 */
@RuntimeBuilt
public record IndexInfo(String name, List<String> columns, boolean unique)
{
    public IndexInfo
    {
        requireNonNull(name, "name is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    public boolean isPrimary()
    {
        return "PRIMARY".equals(name);
    }
}
