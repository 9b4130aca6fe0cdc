package dev.ferry.runtime.core;

import dev.ferry.api.throttle.Throttler;

import java.util.concurrent.Semaphore;

import static java.util.Objects.requireNonNull;

/**
 * The settings of a run an operator may change while it runs ({@code POST /api/tune}) and the
 * built-in pausers of its two stages, so that pause and unpause work without a {@code pauser}
 * throttler in the config. The copy reads its batch size once per batch and takes a slot of its
 * concurrency per batch; the applier reads its batch size once per batch.
 */
public final class RunTuning
{
    /**
     * One set of tunable values.
     *
     * @param copyBatchSize {@code copy.batchSize}
     * @param copyConcurrency how many copy batches run at once, at most the value the run started with
     * @param replicationBatchSize {@code replication.batchSize}
     * @param copyRowsPerSecond a cap on the rows the copy writes per second, 0 for none
     */
    public record Values(int copyBatchSize, int copyConcurrency, int replicationBatchSize, long copyRowsPerSecond)
    {
    }

    private final int maxConcurrency;
    private volatile boolean changed;
    private volatile boolean batchSizePinned;
    // permits beyond the current concurrency are held here, so lowering it needs no running batch to stop
    private final Slots slots;
    private final Pauser copyPauser = new Pauser("copy");
    private final Pauser replicationPauser = new Pauser("replication");
    private final Object rateLock = new Object();
    private volatile Values values;
    private int heldSlots;
    private long nextFreeNanos;

    /**
     * @param maxConcurrency the copy concurrency the run's pools are sized for
     */
    public RunTuning(Values initial, int maxConcurrency)
    {
        requireNonNull(initial, "initial is null");
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be positive");
        }
        this.maxConcurrency = maxConcurrency;
        this.slots = new Slots(maxConcurrency);
        this.values = initial;
        resize(Math.min(initial.copyConcurrency(), maxConcurrency));
    }

    public Values values()
    {
        return values;
    }

    /**
     * Whether an operator set the copy batch size (in this run or the one it resumes): the copy
     * then uses it as is instead of adapting its batch size, within {@code copy.maxBatchBytes}.
     */
    public boolean copyBatchSizePinned()
    {
        return batchSizePinned;
    }

    public int maxConcurrency()
    {
        return maxConcurrency;
    }

    /**
     * The values in force when an operator changed them during this run (or a resumed one), so the
     * saved state keeps them; null while they are the config's.
     */
    public Values changedValues()
    {
        return changed ? values : null;
    }

    /**
     * Takes the values tuned in the run a resume continues, within what this run's pools allow.
     */
    public void restore(Values saved)
    {
        requireNonNull(saved, "saved is null");
        set(new Values(saved.copyBatchSize(), Math.min(saved.copyConcurrency(), maxConcurrency), saved.replicationBatchSize(), saved.copyRowsPerSecond()));
    }

    /**
     * Applies {@code next}, already validated ({@link TuningRequest}).
     */
    public synchronized void set(Values next)
    {
        requireNonNull(next, "next is null");
        if (next.copyConcurrency() < 1 || next.copyConcurrency() > maxConcurrency) {
            throw new IllegalArgumentException("copyConcurrency must be between 1 and " + maxConcurrency);
        }
        resize(next.copyConcurrency());
        if (next.copyBatchSize() != values.copyBatchSize()) {
            batchSizePinned = true;
        }
        values = next;
        changed = true;
        synchronized (rateLock) {
            nextFreeNanos = 0;
        }
    }

    private void resize(int concurrency)
    {
        int wantHeld = maxConcurrency - concurrency;
        if (wantHeld > heldSlots) {
            // running batches finish first: the permits they give back are not handed out again
            slots.reduce(wantHeld - heldSlots);
        }
        else if (wantHeld < heldSlots) {
            slots.release(heldSlots - wantHeld);
        }
        heldSlots = wantHeld;
    }

    /**
     * Takes a slot for one copy batch; {@link #releaseCopySlot} gives it back.
     */
    public void acquireCopySlot()
            throws InterruptedException
    {
        slots.acquire();
    }

    public void releaseCopySlot()
    {
        slots.release();
    }

    /**
     * Waits as long as {@code rows} more rows take under the rows/s cap.
     */
    public void paceCopy(int rows)
            throws InterruptedException
    {
        long cap = values.copyRowsPerSecond();
        if (cap <= 0 || rows <= 0) {
            return;
        }
        long wait;
        synchronized (rateLock) {
            long now = System.nanoTime();
            long start = Math.max(now, nextFreeNanos);
            nextFreeNanos = start + rows * 1_000_000_000L / cap;
            wait = start - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /**
     * The built-in pauser of {@code stage} ({@code copy} or {@code replication}).
     */
    public Throttler pauser(String stage)
    {
        return switch (stage) {
            case "copy" -> copyPauser;
            case "replication" -> replicationPauser;
            default -> throw new IllegalArgumentException("unknown stage " + stage);
        };
    }

    private static final class Slots
            extends Semaphore
    {
        Slots(int permits)
        {
            super(permits, true);
        }

        void reduce(int permits)
        {
            reducePermits(permits);
        }
    }

    /**
     * A throttler that answers {@code pause} and {@code unpause}.
     */
    private static final class Pauser
            implements Throttler
    {
        private final String stage;
        private volatile boolean paused;

        Pauser(String stage)
        {
            this.stage = stage;
        }

        @Override
        public boolean isThrottled()
        {
            return paused;
        }

        @Override
        public String reason()
        {
            return paused ? stage + " paused from the control API" : "";
        }

        @Override
        public void onCommand(String command)
        {
            if ("pause".equals(command)) {
                paused = true;
            }
            else if ("unpause".equals(command)) {
                paused = false;
            }
        }
    }
}
