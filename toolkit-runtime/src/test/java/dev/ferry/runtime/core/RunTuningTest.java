package dev.ferry.runtime.core;

import dev.ferry.api.throttle.Throttler;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunTuningTest
{
    @Test
    void concurrencyLimitsTheCopySlotsAndFollowsChanges()
            throws Exception
    {
        RunTuning tuning = new RunTuning(new RunTuning.Values(100, 2, 50, 0), 4);
        tuning.acquireCopySlot();
        tuning.acquireCopySlot();
        CountDownLatch third = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                tuning.acquireCopySlot();
                third.countDown();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        assertFalse(third.await(200, TimeUnit.MILLISECONDS), "a third batch ran at concurrency 2");
        tuning.set(new RunTuning.Values(100, 3, 50, 0));
        assertTrue(third.await(5, TimeUnit.SECONDS), "raising the concurrency did not let the third batch run");

        // lowered to 1 while 3 run: only once all three finished does one run again
        tuning.set(new RunTuning.Values(100, 1, 50, 0));
        tuning.releaseCopySlot();
        tuning.releaseCopySlot();
        CountDownLatch next = new CountDownLatch(1);
        Thread later = new Thread(() -> {
            try {
                tuning.acquireCopySlot();
                next.countDown();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        later.start();
        assertFalse(next.await(200, TimeUnit.MILLISECONDS), "a batch started while more than the lowered concurrency still ran");
        tuning.releaseCopySlot();
        assertTrue(next.await(5, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> tuning.set(new RunTuning.Values(100, 5, 50, 0)));
    }

    @Test
    void theRowsPerSecondCapPacesTheCopy()
            throws InterruptedException
    {
        RunTuning tuning = new RunTuning(new RunTuning.Values(100, 1, 50, 1000), 1);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            tuning.paceCopy(100);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // 500 rows at 1000 rows/s: the first batch goes at once, the other four wait 100 ms each
        assertTrue(millis >= 390, "500 rows took " + millis + " ms under a 1000 rows/s cap");
        tuning.set(new RunTuning.Values(100, 1, 50, 0));
        start = System.nanoTime();
        tuning.paceCopy(1_000_000);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 50, "no cap still waits");
    }

    @Test
    void theBuiltInPausersAnswerPauseAndUnpause()
    {
        RunTuning tuning = new RunTuning(new RunTuning.Values(100, 1, 50, 0), 1);
        Throttler copy = tuning.pauser("copy");
        copy.onCommand("pause");
        assertTrue(copy.isThrottled());
        assertEquals("copy paused from the control API", copy.reason());
        assertFalse(tuning.pauser("replication").isThrottled(), "pausing the copy paused replication");
        copy.onCommand("unpause");
        assertFalse(copy.isThrottled());
    }
}
