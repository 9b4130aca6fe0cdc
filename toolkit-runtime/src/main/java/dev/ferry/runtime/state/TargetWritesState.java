package dev.ferry.runtime.state;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.TableName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The watch of the target's binlog for writes by others, as a resume continues it: where the
 * watch is (everything before it was judged), and what it found so far.
 *
 * @param position the target binlog position the watch continues from (a transaction boundary)
 * @param tables the moved tables written to by others, ordered by name
 */
public record TargetWritesState(BinlogPosition position, List<Table> tables)
{
    /**
     * The writes by others to one moved table.
     *
     * @param table the moved (source) table
     * @param target its name on the target, where the writes were seen
     * @param rows row changes seen
     * @param statements statements other than row changes seen (DDL)
     * @param keys the keys of changed rows, the first ones seen, without repeats; bounded
     * @param notes what could not be told by key: DDL statements, rows that could not be decoded; bounded
     */
    public record Table(TableName table, TableName target, long rows, long statements, List<Key> keys, List<String> notes)
    {
        public Table
        {
            requireNonNull(table, "table is null");
            requireNonNull(target, "target is null");
            if (rows < 0 || statements < 0) {
                throw new IllegalArgumentException("rows and statements must be >= 0");
            }
            keys = List.copyOf(requireNonNull(keys, "keys is null"));
            notes = List.copyOf(requireNonNull(notes, "notes is null"));
        }

        /**
         * Row changes and other statements.
         */
        public long writes()
        {
            return rows + statements;
        }
    }

    public TargetWritesState
    {
        requireNonNull(position, "position is null");
        List<Table> sorted = new ArrayList<>(requireNonNull(tables, "tables is null"));
        sorted.sort(Comparator.comparing(Table::table));
        tables = List.copyOf(sorted);
    }
}
