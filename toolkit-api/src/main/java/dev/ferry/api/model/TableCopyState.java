package dev.ferry.api.model;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Copy progress of one table.
 *
 * @param ranges the table's key ranges and their cursors; one range per parallel worker
 * @param complete whether the whole table was copied
 * @param rowsCopied rows written so far (including re-copies after a resume)
 */
public record TableCopyState(List<RangeState> ranges, boolean complete, long rowsCopied)
{
    public TableCopyState
    {
        ranges = List.copyOf(requireNonNull(ranges, "ranges is null"));
    }
}
