package dev.ferry.runtime.apply;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.TableSchema;

import java.util.Optional;

/**
 * The columns that identify a row when the applier updates or deletes it: the primary key, else
 * the first unique key whose columns are all NOT NULL, else none (the row is matched on every
 * column, as MySQL replication does for tables without keys).
 */
final class ApplyKey
{
    private ApplyKey() {}

    /**
     * Positions in {@code table.columns()} of the identifying columns, or empty for a keyless table.
     */
    static Optional<int[]> positions(TableSchema table)
    {
        Optional<IndexInfo> primary = table.primaryKey();
        if (primary.isPresent()) {
            return Optional.of(table.columnIndexes(primary.get().columns()));
        }
        for (IndexInfo index : table.indexes()) {
            if (index.unique() && allNotNull(table, index)) {
                return Optional.of(table.columnIndexes(index.columns()));
            }
        }
        return Optional.empty();
    }

    private static boolean allNotNull(TableSchema table, IndexInfo index)
    {
        for (String name : index.columns()) {
            Optional<Column> column = table.column(name);
            if (column.isEmpty() || column.get().nullable()) {
                return false;
            }
        }
        return true;
    }
}
