package dev.ferry.api.model;

import dev.ferry.api.RuntimeBuilt;

import static java.util.Objects.requireNonNull;

/**
 * One row change from the binlog. Images hold every column of {@link #table()} in table order.
 *
 * @param type insert, update or delete
 * @param table the source table's schema as of this event
 * @param before the old image (update, delete), else null
 * @param after the new image (insert, update), else null
 * @param position where the event's transaction sits in the binlog
 */
@RuntimeBuilt
public record RowEvent(Type type, TableSchema table, Row before, Row after, PositionPair position)
{
    public enum Type
    {
        INSERT, UPDATE, DELETE
    }

    public RowEvent
    {
        requireNonNull(type, "type is null");
        requireNonNull(table, "table is null");
        requireNonNull(position, "position is null");
        if ((type == Type.INSERT) != (before == null) || (type == Type.DELETE) != (after == null)) {
            throw new IllegalArgumentException(type + " event with wrong images");
        }
        if (type == Type.UPDATE && before == null) {
            throw new IllegalArgumentException("update event without an old image");
        }
    }
}
