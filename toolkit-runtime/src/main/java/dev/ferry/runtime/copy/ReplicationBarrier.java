package dev.ferry.runtime.copy;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Lets the copy of a full-copy table wait until the binlog applier has applied everything up to
 * the source's current position, so that the table's snapshot and the binlog meet exactly.
 */
public interface ReplicationBarrier
{
    /**
     * No binlog streaming: nothing to wait for.
     */
    ReplicationBarrier NONE = source -> {};

    /**
     * Reads the source's current binlog position through {@code source} (which holds a table lock)
     * and blocks until the applier has applied up to it.
     */
    void awaitAppliedUpToCurrent(Connection source)
            throws SQLException, InterruptedException;
}
