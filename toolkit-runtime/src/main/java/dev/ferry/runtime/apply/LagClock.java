package dev.ferry.runtime.apply;

import java.time.Duration;
import java.time.InstantSource;

import static java.util.Objects.requireNonNull;

/**
 * The applier's lag: how long ago the source wrote the oldest change the target does not hold
 * yet, in seconds.
 *
 * <p>The binlog's event headers carry the source's clock (whole seconds) when the statement ran.
 * The applier reports the source time up to which the target holds every change: the event
 * time of an item it takes with nothing pending (everything before it is on the target), and of
 * the last item of each batch it commits. While it holds nothing unapplied, the target is as
 * current as the stream: the lag is 0 as long as the stream was heard from (an event or a
 * heartbeat, which the source sends when it had nothing to send for a heartbeat interval)
 * within {@code liveness}; a stream silent for longer shows the time since it was last heard.
 * So an idle source shows 0, not the age of its last write.
 *
 * <p>Assumes the source's and ferry's clocks agree (NTP); a lag below 0 reads as 0.
 *
 * <p>Threading: {@link #heard} is called on the binlog thread, {@link #reached}, {@link #drained}
 * and {@link #pending} on the applier thread, {@link #stop} and {@link #seconds} on any thread.
 */
public final class LagClock
{
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final InstantSource clock;
    private final long livenessMillis;
    // source time (epoch millis) up to which the target holds every change, or UNKNOWN
    private volatile long currentUpTo = UNKNOWN;
    // ferry's clock when the stream last delivered an event or a heartbeat, or UNKNOWN
    private volatile long heard = UNKNOWN;
    // whether the applier holds nothing it received and did not apply
    private volatile boolean drained;
    private volatile boolean stopped;

    /**
     * @param liveness how long the stream may be silent while it still counts as current; twice
     *        the heartbeat interval, 0 without heartbeats
     */
    public LagClock(InstantSource clock, Duration liveness)
    {
        this.clock = requireNonNull(clock, "clock is null");
        requireNonNull(liveness, "liveness is null");
        if (liveness.isNegative()) {
            throw new IllegalArgumentException("liveness must not be negative (got " + liveness + ")");
        }
        this.livenessMillis = liveness.toMillis();
    }

    /**
     * The stream delivered an event or a heartbeat.
     */
    void heard()
    {
        heard = clock.millis();
    }

    /**
     * The target holds every change the source wrote before {@code sourceMillis}.
     */
    void reached(long sourceMillis)
    {
        if (sourceMillis > currentUpTo) {
            currentUpTo = sourceMillis;
        }
    }

    /**
     * The applier applied everything it received.
     */
    void drained()
    {
        if (!drained) {
            drained = true;
        }
    }

    /**
     * The applier holds changes it has not applied yet.
     */
    void pending()
    {
        if (drained) {
            drained = false;
        }
    }

    /**
     * The applier stopped (cutover, stop): there is no lag to tell any more.
     */
    void stop()
    {
        stopped = true;
    }

    /**
     * The lag in seconds, or null before the stream delivered anything and once the applier
     * stopped.
     */
    public Double seconds()
    {
        if (stopped) {
            return null;
        }
        long now = clock.millis();
        long heardAt = heard;
        long upTo = currentUpTo;
        if (drained && heardAt != UNKNOWN) {
            if (now - heardAt <= livenessMillis) {
                return 0.0;
            }
            upTo = Math.max(upTo, heardAt);
        }
        if (upTo == UNKNOWN) {
            return null;
        }
        return Math.max(0, now - upTo) / 1000.0;
    }
}
