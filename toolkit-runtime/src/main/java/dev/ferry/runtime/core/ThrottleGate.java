package dev.ferry.runtime.core;

import dev.ferry.api.throttle.Throttler;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The throttlers of one pipeline stage (the copy or the binlog apply): the stage calls
 * {@link #await} before each batch, which waits while any throttler says so, counts the time
 * waited and exposes the reason for status.
 */
public final class ThrottleGate
{
    private static final long POLL_MILLIS = 50;

    private final List<Throttler> throttlers;
    private final RunMetrics.Timer throttled;
    private final AtomicReference<String> reason = new AtomicReference<>("");

    /**
     * @param throttled records each wait
     */
    public ThrottleGate(List<Throttler> throttlers, RunMetrics.Timer throttled)
    {
        this.throttlers = List.copyOf(requireNonNull(throttlers, "throttlers is null"));
        this.throttled = requireNonNull(throttled, "throttled is null");
    }

    /**
     * Why the stage is waiting right now, or empty.
     */
    public String reason()
    {
        return reason.get();
    }

    /**
     * Waits while any throttler says so, or until {@code stopping} turns true.
     */
    public void await(BooleanSupplier stopping)
            throws InterruptedException
    {
        if (throttlers.isEmpty()) {
            return;
        }
        long start = 0;
        while (!stopping.getAsBoolean()) {
            String current = currentReason();
            if (current == null) {
                break;
            }
            if (start == 0) {
                start = System.nanoTime();
                reason.set(current);
            }
            Thread.sleep(POLL_MILLIS);
        }
        if (start != 0) {
            throttled.recordNanos(System.nanoTime() - start);
            reason.set("");
        }
    }

    private String currentReason()
    {
        for (Throttler throttler : throttlers) {
            if (throttler.isThrottled()) {
                String why = throttler.reason();
                return why == null || why.isEmpty() ? "throttled" : why;
            }
        }
        return null;
    }
}
