package dev.ferry.api.throttle;

/**
 * Slows one pipeline stage. The stage asks {@link #isThrottled()} before each batch and waits
 * while any of its throttlers says yes.
 *
 * <p>Thread-safe: several copy workers poll concurrently, and control commands arrive from the
 * control server's threads.
 */
public interface Throttler
        extends AutoCloseable
{
    /**
     * Starts background work (e.g. a lag poller). Called once before the stage runs.
     */
    default void start()
    {
    }

    /**
     * Whether the stage must wait now. Called before every batch: must be cheap (no I/O; poll in
     * the background and return the cached answer).
     */
    boolean isThrottled();

    /**
     * Why the stage is throttled, for status, e.g. {@code lag 12.5s > 5s}; empty when it is not.
     */
    default String reason()
    {
        return isThrottled() ? "throttled" : "";
    }

    /**
     * An operator command from the control API: {@code pause} or {@code unpause}. Throttlers that
     * are not operator-controlled ignore it.
     */
    default void onCommand(String command)
    {
    }

    @Override
    default void close()
    {
    }
}
