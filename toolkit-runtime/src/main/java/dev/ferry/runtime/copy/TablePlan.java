package dev.ferry.runtime.copy;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.RangeState;
import dev.ferry.api.model.TableCopyState;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static java.util.Objects.requireNonNull;

/**
 * One table's copy: its schema, target, key ranges with their live cursors, and progress.
 * Range cursors are updated by the worker copying the range and read by checkpoints.
 */
public final class TablePlan
{
    private final TableSchema table;
    private final TableName target;
    private final Optional<SqlPredicate> predicate;
    private final AtomicReferenceArray<RangeState> ranges;
    private final TableProgress progress;

    TablePlan(TableSchema table, TableName target, Optional<SqlPredicate> predicate, List<RangeState> ranges, TableProgress progress)
    {
        this.table = requireNonNull(table, "table is null");
        this.target = requireNonNull(target, "target is null");
        this.predicate = requireNonNull(predicate, "predicate is null");
        this.ranges = new AtomicReferenceArray<>(ranges.toArray(RangeState[]::new));
        this.progress = requireNonNull(progress, "progress is null");
        int done = 0;
        for (RangeState range : ranges) {
            done += range.complete() ? 1 : 0;
        }
        progress.setRanges(ranges.size(), done);
    }

    public TableSchema table()
    {
        return table;
    }

    public TableName target()
    {
        return target;
    }

    public Optional<SqlPredicate> predicate()
    {
        return predicate;
    }

    public TableProgress progress()
    {
        return progress;
    }

    int rangeCount()
    {
        return ranges.length();
    }

    RangeState range(int index)
    {
        return ranges.get(index);
    }

    void updateRange(int index, RangeState state)
    {
        ranges.set(index, state);
    }

    public boolean isComplete()
    {
        for (int i = 0; i < ranges.length(); i++) {
            if (!ranges.get(i).complete()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A consistent-enough snapshot for the state document: each range's cursor is only ever
     * moved forward after its batch committed on the target.
     */
    public TableCopyState snapshot()
    {
        List<RangeState> copy = new ArrayList<>(ranges.length());
        for (int i = 0; i < ranges.length(); i++) {
            copy.add(ranges.get(i));
        }
        return new TableCopyState(copy, isComplete(), progress.rowsCopied());
    }
}
