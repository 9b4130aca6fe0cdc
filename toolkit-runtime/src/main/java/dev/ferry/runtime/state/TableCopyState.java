package dev.ferry.runtime.state;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Copy progress of one table.
 *
 * @param ranges the table's key ranges and their cursors; one range per parallel worker
 * @param complete whether the whole table was copied
 * @param rowsCopied rows written so far (including re-copies after a resume)
 * @param resync whether the copy overwrites the rows the target has and deletes those the source
 *        does not have, instead of only adding missing rows: the copy of a table renamed on the
 *        source during its copy, whose target table may hold rows read under its old name
 */
public record TableCopyState(List<RangeState> ranges, boolean complete, long rowsCopied, boolean resync)
{
    public TableCopyState
    {
        ranges = List.copyOf(requireNonNull(ranges, "ranges is null"));
    }

    /**
     * An ordinary copy, which only adds the rows the target is missing.
     */
    public TableCopyState(List<RangeState> ranges, boolean complete, long rowsCopied)
    {
        this(ranges, complete, rowsCopied, false);
    }
}
