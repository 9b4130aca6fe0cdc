package dev.ferry.runtime.copy;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.state.RangeState;
import dev.ferry.runtime.state.TableCopyState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static java.util.Objects.requireNonNull;

/**
 * One table's copy: its schema, target, key ranges with their live cursors, and progress.
 * Range cursors are updated by the worker copying the range and read by checkpoints.
 * <p>
 * The plan copies the table that had its name at {@link #renamesSeen()} (a version of
 * {@link dev.ferry.runtime.schema.TableRenames}). When that table is renamed on the source during
 * the copy, the plan is superseded by one for the new name, and its ranges stay incomplete.
 */
public final class TablePlan
{
    private final TableSchema table;
    private final TableName target;
    private final Optional<SqlPredicate> predicate;
    private final AtomicReferenceArray<RangeState> ranges;
    private final TableProgress progress;
    private final int renamesSeen;
    private final boolean resync;
    private final AtomicInteger unfinishedTasks = new AtomicInteger();
    private final AtomicReference<TableName> renamedTo = new AtomicReference<>();
    private volatile boolean confirmed;

    TablePlan(TableSchema table, TableName target, Optional<SqlPredicate> predicate, List<RangeState> ranges, TableProgress progress)
    {
        this(table, target, predicate, ranges, progress, 0, false);
    }

    /**
     * @param renamesSeen the rename version at which {@code table}'s name was known to be right
     * @param resync whether the copy overwrites target rows and deletes those the source lacks
     */
    TablePlan(TableSchema table, TableName target, Optional<SqlPredicate> predicate, List<RangeState> ranges, TableProgress progress,
            int renamesSeen, boolean resync)
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
        this.renamesSeen = renamesSeen;
        this.resync = resync;
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

    /**
     * The version of the rename log at which this plan's table had {@link #table()}'s name.
     */
    public int renamesSeen()
    {
        return renamesSeen;
    }

    /**
     * Whether this copy overwrites the target's rows and deletes those the source does not have
     * (the copy of a table renamed during its copy), rather than only adding missing rows.
     */
    public boolean resync()
    {
        return resync;
    }

    /**
     * The name the table was renamed to during its copy, once the copy noticed; empty otherwise.
     */
    public Optional<TableName> renamedTo()
    {
        return Optional.ofNullable(renamedTo.get());
    }

    /**
     * Whether a copy of the plan noticed the table was renamed; per batch, so without allocating.
     */
    boolean superseded()
    {
        return renamedTo.get() != null;
    }

    /**
     * Marks the plan superseded by the copy of {@code newName}; true for the first caller only.
     */
    boolean supersede(TableName newName)
    {
        return renamedTo.compareAndSet(null, requireNonNull(newName, "newName is null"));
    }

    /**
     * Whether the copy ran to its end and the table still had its name when the binlog applier
     * had caught up with the source after that: no row came from another table.
     */
    boolean confirmed()
    {
        return confirmed;
    }

    void confirm()
    {
        confirmed = true;
    }

    void taskQueued()
    {
        unfinishedTasks.incrementAndGet();
    }

    /**
     * Returns true for the last queued task of the plan to end.
     */
    boolean taskEnded()
    {
        return unfinishedTasks.decrementAndGet() == 0;
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
        return new TableCopyState(copy, isComplete(), progress.rowsCopied(), resync);
    }
}
