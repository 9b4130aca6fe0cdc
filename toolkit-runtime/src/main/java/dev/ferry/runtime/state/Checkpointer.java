package dev.ferry.runtime.state;

import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.api.state.StateStore;
import dev.ferry.runtime.core.RunTuning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Writes the run's state document to the state store: at a fixed interval, on a graceful stop,
 * on a fatal error and at the end. Every write is a whole, encoded {@link FerryState}; the store
 * makes it atomic.
 */
public final class Checkpointer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    /**
     * What a checkpoint reads from the run; each supplier is called on the checkpoint thread.
     */
    public record Sources(
            Supplier<String> phase,
            Supplier<Map<TableName, String>> schemaFingerprints,
            Supplier<Map<TableName, TableCopyState>> tables,
            Supplier<PositionPair> position,
            Supplier<String> verifierState,
            Supplier<RunTuning.Values> tuning,
            Supplier<TargetWritesState> targetWrites)
    {
    }

    private final StateStore store;
    private final String ferryVersion;
    private final String configFingerprint;
    private final long runId;
    private final Sources sources;
    private final Clock clock;
    private final Object writeLock = new Object();
    private ScheduledExecutorService scheduler;
    private volatile String lastError;
    private volatile Instant lastSaved;

    public Checkpointer(StateStore store, String ferryVersion, String configFingerprint, long runId, Sources sources, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.ferryVersion = requireNonNull(ferryVersion, "ferryVersion is null");
        this.configFingerprint = requireNonNull(configFingerprint, "configFingerprint is null");
        this.runId = runId;
        this.sources = requireNonNull(sources, "sources is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Starts periodic checkpoints.
     */
    public synchronized void start(Duration interval)
    {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-checkpoint");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(100, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::checkpointQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes the current state now.
     *
     * @throws dev.ferry.api.FerryException when it cannot be encoded or stored
     */
    public void checkpoint()
    {
        synchronized (writeLock) {
            PositionPair position = sources.position().get();
            FerryState state = new FerryState(FerryState.FORMAT_VERSION, ferryVersion, configFingerprint, runId, sources.phase().get(),
                    sources.schemaFingerprints().get(), sources.tables().get(), position, sources.verifierState().get(), clock.instant(),
                    sources.tuning().get(), sources.targetWrites().get());
            store.write(StateCodec.encode(state));
            lastSaved = state.savedAt();
            lastError = null;
        }
    }

    /**
     * A checkpoint that logs failures instead of throwing (periodic and last-gasp writes).
     *
     * @return whether the state was written
     */
    public boolean checkpointQuietly()
    {
        try {
            checkpoint();
            return true;
        }
        catch (RuntimeException e) {
            String message = e.getMessage();
            if (!message.equals(lastError)) {
                log.error("cannot save the state to {}: {}", store.describe(), message);
            }
            lastError = message;
            return false;
        }
    }

    public String describe()
    {
        return store.describe();
    }

    /**
     * When the state was last written, and why the latest periodic write failed (null when it did not).
     */
    public CheckpointStatus status()
    {
        return new CheckpointStatus(store.describe(), lastSaved, lastError);
    }

    @Override
    public synchronized void close()
    {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }
}
