package dev.ferry.runtime.state;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.core.FerryPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The checkpoints of one run, from the first state written to the last: the {@link Checkpointer}
 * arrives once the copy is planned, while the applier may meet a replicated DDL earlier, so the
 * schema-change saves go through here. Before the first state is written there is nothing to keep
 * consistent (the first state is written after), so such a save does nothing.
 */
public final class Checkpoints
        implements StateSaver
{
    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

    private volatile Checkpointer checkpointer;
    private volatile boolean saved;

    /**
     * Writes the first state with {@code checkpointer}, then every {@code interval}.
     */
    public void start(Checkpointer checkpointer, Duration interval)
    {
        requireNonNull(checkpointer, "checkpointer is null");
        requireNonNull(interval, "interval is null");
        this.checkpointer = checkpointer;
        checkpointer.checkpoint();
        saved = true;
        checkpointer.start(interval);
    }

    /**
     * Saves the state around a replicated schema change (on the applier thread).
     *
     * @throws FerryException when the state cannot be saved, so the change is not applied
     */
    @Override
    public void saveNow()
    {
        Checkpointer current = checkpointer;
        if (current != null) {
            try {
                current.checkpoint();
            }
            catch (RuntimeException e) {
                throw new FerryException("cannot save the state to " + current.describe() + " around a schema change, so it is not applied: "
                        + e.getMessage() + "; fix the state store and resume", e);
            }
        }
    }

    /**
     * Whether the run wrote its state at least once, so a resume can continue it.
     */
    public boolean saved()
    {
        return saved;
    }

    /**
     * How saving the state goes; empty before the first state is written.
     */
    public Optional<CheckpointStatus> status()
    {
        Checkpointer current = checkpointer;
        return current == null ? Optional.empty() : Optional.of(current.status());
    }

    /**
     * Stops the periodic checkpoints and writes the last state, in {@code phase}.
     */
    public void finish(FerryPhase phase)
    {
        Checkpointer current = checkpointer;
        if (current == null) {
            return;
        }
        current.close();
        if (current.checkpointQuietly()) {
            log.info("state saved to {} (phase {}){}", current.describe(), phase.label(),
                    phase == FerryPhase.DONE ? "" : "; resume with: ferry copydb --config <file> --resume");
        }
    }
}
