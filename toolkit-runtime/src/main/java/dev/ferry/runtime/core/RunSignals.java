package dev.ferry.runtime.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The operator's two requests to a run, each made at most once and from any thread: cut over
 * (once the copy is done and the applier has caught up), or stop without cutting over.
 */
public final class RunSignals
{
    private final CountDownLatch cutoverRequested = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public void requestCutover()
    {
        cutoverRequested.countDown();
    }

    public void requestStop()
    {
        stopRequested.countDown();
    }

    public boolean cutoverRequested()
    {
        return cutoverRequested.getCount() == 0;
    }

    public boolean stopRequested()
    {
        return stopRequested.getCount() == 0;
    }

    /**
     * Waits up to {@code timeout} for the cutover request.
     */
    public void awaitCutoverRequest(Duration timeout)
            throws InterruptedException
    {
        cutoverRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits up to {@code timeout} for the stop request; returns whether it came.
     */
    public boolean awaitStopRequest(Duration timeout)
            throws InterruptedException
    {
        return stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
