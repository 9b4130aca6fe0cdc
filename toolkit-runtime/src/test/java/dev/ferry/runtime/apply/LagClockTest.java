package dev.ferry.runtime.apply;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LagClockTest
{
    // the source's clock and ferry's agree here; binlog timestamps are whole seconds
    private static final long T0 = 1_767_225_600_000L;

    private static final class FakeClock
            implements InstantSource
    {
        private long millis = T0;

        @Override
        public Instant instant()
        {
            return Instant.ofEpochMilli(millis);
        }

        void advance(Duration duration)
        {
            millis += duration.toMillis();
        }
    }

    private final FakeClock clock = new FakeClock();
    private final LagClock lag = new LagClock(clock, Duration.ofSeconds(10));

    @Test
    void unknownUntilTheStreamDeliversSomething()
    {
        assertNull(lag.seconds());
        lag.drained();
        clock.advance(Duration.ofMinutes(5));
        assertNull(lag.seconds(), "an applier that never heard from the stream knows no lag");
    }

    @Test
    void behindByTheAgeOfTheOldestUnappliedChange()
    {
        clock.advance(Duration.ofSeconds(3));
        // a change written at T0 arrives 3 s later and waits in the applier
        lag.heard();
        lag.reached(T0);
        lag.pending();
        assertEquals(3.0, lag.seconds());
        clock.advance(Duration.ofMillis(1500));
        assertEquals(4.5, lag.seconds(), "grows while the change is not applied");

        // applied; the next change, written at T0 + 4 s, is already waiting
        lag.reached(T0 + 4000);
        assertEquals(0.5, lag.seconds());
        // an older timestamp (a long transaction that committed late) does not move it back
        lag.reached(T0 + 1000);
        assertEquals(0.5, lag.seconds());
    }

    @Test
    void anIdleSourceWithHeartbeatsShowsZero()
    {
        lag.heard();
        lag.reached(T0);
        lag.drained();
        assertEquals(0.0, lag.seconds());
        // an hour without a write: heartbeats every 5 s keep the stream heard
        for (int i = 1; i <= 720; i++) {
            clock.advance(Duration.ofMillis(4999));
            assertEquals(0.0, lag.seconds(), "just before heartbeat " + i);
            clock.advance(Duration.ofMillis(1));
            lag.heard();
            assertEquals(0.0, lag.seconds(), "at heartbeat " + i);
        }

        // a write after the idle hour: behind by its age until applied, not by the hour
        clock.advance(Duration.ofSeconds(2));
        long written = clock.millis() - 2000;
        lag.heard();
        lag.reached(written);
        lag.pending();
        assertEquals(2.0, lag.seconds());
        lag.reached(written);
        lag.drained();
        assertEquals(0.0, lag.seconds());
    }

    @Test
    void aSilentStreamShowsTheTimeSinceItWasLastHeard()
    {
        lag.heard();
        lag.reached(T0);
        lag.drained();
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0.0, lag.seconds(), "silent for the liveness window: still current");
        clock.advance(Duration.ofMillis(1));
        assertEquals(10.001, lag.seconds(), "silent for longer: the connection may be stuck");
        clock.advance(Duration.ofSeconds(50));
        assertEquals(60.001, lag.seconds());
        lag.heard();
        assertEquals(0.0, lag.seconds(), "heard again");
    }

    @Test
    void withoutHeartbeatsAnIdleSourceShowsTheTimeSinceTheLastDelivery()
    {
        LagClock noHeartbeats = new LagClock(clock, Duration.ZERO);
        noHeartbeats.heard();
        noHeartbeats.reached(T0 - 1000);
        noHeartbeats.drained();
        assertEquals(0.0, noHeartbeats.seconds());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(30.0, noHeartbeats.seconds());
    }

    @Test
    void aSourceClockAheadOfFerrysReadsAsZeroNotNegative()
    {
        lag.heard();
        lag.reached(T0 + 5000);
        lag.pending();
        assertEquals(0.0, lag.seconds());
    }

    @Test
    void unknownOnceTheApplierStopped()
    {
        lag.heard();
        lag.reached(T0);
        lag.drained();
        assertEquals(0.0, lag.seconds());
        lag.stop();
        assertNull(lag.seconds());
        clock.advance(Duration.ofMinutes(1));
        assertNull(lag.seconds(), "a stopped stream does not grow a lag");
    }

    @Test
    void rejectsANegativeLiveness()
    {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LagClock(clock, Duration.ofSeconds(-1)));
        assertEquals("liveness must not be negative (got PT-1S)", e.getMessage());
    }
}
