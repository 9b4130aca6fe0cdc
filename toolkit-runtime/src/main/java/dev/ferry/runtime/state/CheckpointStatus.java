package dev.ferry.runtime.state;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * How the run's state saving goes.
 *
 * @param store where the state goes ({@link dev.ferry.api.state.StateStore#describe()})
 * @param lastSaved when the state was last written, or null before the first write
 * @param lastError why the latest write failed, or null when it succeeded
 */
public record CheckpointStatus(String store, Instant lastSaved, String lastError)
{
    public CheckpointStatus
    {
        requireNonNull(store, "store is null");
    }

    public boolean failing()
    {
        return lastError != null;
    }
}
