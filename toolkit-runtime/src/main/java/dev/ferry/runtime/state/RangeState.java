package dev.ferry.runtime.state;

import dev.ferry.api.model.Key;

/**
 * Progress of one key range of a table's copy. A range holds the keys {@code k} with
 * {@code low < k <= high}; a null bound is unbounded.
 *
 * @param low exclusive lower bound, or null
 * @param high inclusive upper bound, or null
 * @param cursor the last key copied (highest when ascending, lowest when descending), or null if
 *        nothing was copied yet
 * @param complete whether every row of the range was copied
 */
public record RangeState(Key low, Key high, Key cursor, boolean complete)
{
    public RangeState withCursor(Key newCursor)
    {
        return new RangeState(low, high, newCursor, complete);
    }

    public RangeState completed()
    {
        return new RangeState(low, high, cursor, true);
    }
}
