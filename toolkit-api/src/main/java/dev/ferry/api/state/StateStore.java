package dev.ferry.api.state;

import dev.ferry.api.model.PositionPair;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Keeps ferry's state document (versioned JSON written by the runtime) so a run can resume.
 *
 * <p>Called from the coordinator thread, except {@link #writePosition}, which the applier calls.
 */
public interface StateStore
        extends AutoCloseable
{
    /**
     * Prepares the store (e.g. creates its table). Called once before the first read or write.
     */
    default void start()
    {
    }

    /**
     * The last document written, or empty when none was. Never returns a partial document.
     *
     * @throws dev.ferry.api.FerryException when a document exists but cannot be read
     */
    Optional<String> read();

    /**
     * Replaces the stored document. Atomic: after a crash at any moment, {@link #read()} returns
     * either the previous or the new document, whole.
     */
    void write(String document);

    /**
     * Whether {@link #writePosition} should be called with every applied binlog batch.
     */
    default boolean writesPositionWithBatches()
    {
        return false;
    }

    /**
     * Records the applied position inside the target transaction that applied a binlog batch,
     * before it commits, so position and data commit together. Must not commit.
     */
    default void writePosition(Connection targetTransaction, PositionPair position)
            throws SQLException
    {
    }

    /**
     * The position last recorded by {@link #writePosition}, or empty.
     */
    default Optional<PositionPair> readPosition()
    {
        return Optional.empty();
    }

    /**
     * Where the state is kept, for messages such as {@code state saved to file /var/ferry/state.json}.
     */
    String describe();

    @Override
    default void close()
    {
    }
}
