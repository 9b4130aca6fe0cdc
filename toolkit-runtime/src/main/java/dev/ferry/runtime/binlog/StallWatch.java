package dev.ferry.runtime.binlog;

import java.time.Duration;
import java.util.Objects;

/**
 * Tells a caller that waits for a binlog stream to reach a position when what it watches (the
 * stream's position, and whatever else shows progress) stood still for {@code limit}: then it is
 * time for {@link BinlogStreamer#reconnect}. Restarts its clock after saying so. One thread.
 */
public final class StallWatch
{
    private final long limitNanos;
    private Object lastSeen;
    private long lastMoved = System.nanoTime();

    public StallWatch(Duration limit)
    {
        this.limitNanos = limit.toNanos();
    }

    /**
     * Progress that {@code seen} does not show: the clock starts again.
     */
    public void moved()
    {
        lastSeen = null;
        lastMoved = System.nanoTime();
    }

    /**
     * Whether {@code seen} (never null) equals what the previous calls saw for longer than the limit.
     */
    public boolean stalled(Object seen)
    {
        long now = System.nanoTime();
        if (!Objects.equals(seen, lastSeen)) {
            lastSeen = seen;
            lastMoved = now;
            return false;
        }
        if (now - lastMoved > limitNanos) {
            lastMoved = now;
            return true;
        }
        return false;
    }
}
