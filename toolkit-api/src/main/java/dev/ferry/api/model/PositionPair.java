package dev.ferry.api.model;

import static java.util.Objects.requireNonNull;

/**
 * The two binlog positions ferry tracks for every event.
 *
 * @param event the position right after the last event handed on
 * @param resume where a restart must resume streaming: the start of the transaction that
 *        contains {@code event}, or {@code event} itself between transactions, so a transaction is
 *        never half re-read or skipped
 */
public record PositionPair(BinlogPosition event, BinlogPosition resume)
{
    public PositionPair
    {
        requireNonNull(event, "event is null");
        requireNonNull(resume, "resume is null");
    }

    public static PositionPair at(BinlogPosition position)
    {
        return new PositionPair(position, position);
    }
}
