package dev.ferry.runtime.state;

/**
 * Saves the run's state now, for a stage that must keep the state consistent with a change it
 * makes to the target (a replicated DDL). Called on the stage's own thread.
 */
@FunctionalInterface
public interface StateSaver
{
    /**
     * Saves nothing: runs without a state store.
     */
    StateSaver NONE = () -> {};

    /**
     * Writes the current state.
     *
     * @throws dev.ferry.api.FerryException when it cannot be written; the caller must then not
     *         make its change
     */
    void saveNow();
}
