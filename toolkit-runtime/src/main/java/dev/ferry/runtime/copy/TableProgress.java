package dev.ferry.runtime.copy;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.TableName;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * Live copy progress of one table, for status and the console. Thread-safe.
 */
public final class TableProgress
{
    public enum Phase
    {
        WAITING, COPYING, DONE, FAILED
    }

    private final TableName table;
    private final long estimatedRows;
    private final long estimatedBytes;
    private final LongAdder rowsCopied = new LongAdder();
    private final AtomicReference<Key> lastKey = new AtomicReference<>();
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WAITING);
    private final AtomicInteger rangesTotal = new AtomicInteger();
    private final AtomicInteger rangesDone = new AtomicInteger();
    private final AtomicInteger rangesResumed = new AtomicInteger();
    private final AtomicReference<String> error = new AtomicReference<>();
    private volatile int batchSize;
    private volatile long bytesPerRow;
    private volatile long startedNanos;
    private volatile long finishedNanos;

    public TableProgress(TableName table, long estimatedRows)
    {
        this(table, estimatedRows, 0);
    }

    /**
     * @param estimatedBytes the server's estimate of the table's data size, 0 when unknown
     */
    public TableProgress(TableName table, long estimatedRows, long estimatedBytes)
    {
        this.table = requireNonNull(table, "table is null");
        this.estimatedRows = estimatedRows;
        this.estimatedBytes = estimatedBytes;
    }

    public TableName table()
    {
        return table;
    }

    public long estimatedRows()
    {
        return estimatedRows;
    }

    public long estimatedBytes()
    {
        return estimatedBytes;
    }

    /**
     * The best row count known: the rows copied once this run has copied the whole table, which
     * replaces the server's estimate (InnoDB only approximates it); otherwise the estimate, at least
     * the rows copied so far.
     */
    public long expectedRows()
    {
        long copied = rowsCopied();
        return phase() == Phase.DONE && rangesResumed() == 0 ? copied : Math.max(estimatedRows, copied);
    }

    public long rowsCopied()
    {
        return rowsCopied.sum();
    }

    public Key lastKey()
    {
        return lastKey.get();
    }

    public Phase phase()
    {
        return phase.get();
    }

    public int rangesTotal()
    {
        return rangesTotal.get();
    }

    public int rangesDone()
    {
        return rangesDone.get();
    }

    /**
     * Key ranges that the run being resumed had already copied; their rows are not in {@link #rowsCopied()}.
     */
    public int rangesResumed()
    {
        return rangesResumed.get();
    }

    public String error()
    {
        return error.get();
    }

    /**
     * Rows per second since the table's copy started.
     */
    public double rowsPerSecond()
    {
        long started = startedNanos;
        if (started == 0) {
            return 0;
        }
        long end = finishedNanos != 0 ? finishedNanos : System.nanoTime();
        double seconds = (end - started) / 1e9;
        return seconds <= 0 ? 0 : rowsCopied() / seconds;
    }

    /**
     * Seconds from the table's first batch to its last range's end (or to now), 0 before it started.
     */
    public double seconds()
    {
        long started = startedNanos;
        if (started == 0) {
            return 0;
        }
        long end = finishedNanos != 0 ? finishedNanos : System.nanoTime();
        return (end - started) / 1e9;
    }

    /**
     * The row count of the batch a range of the table started last, 0 before the first.
     */
    public int batchSize()
    {
        return batchSize;
    }

    /**
     * Bytes of column data per row as the copy measured them (the server's estimate before the
     * first batch), 0 when unknown.
     */
    public long bytesPerRow()
    {
        return bytesPerRow;
    }

    void batchSize(int rows, long rowBytes)
    {
        batchSize = rows;
        bytesPerRow = rowBytes;
    }

    void setRanges(int total, int alreadyDone)
    {
        rangesTotal.set(total);
        rangesDone.set(alreadyDone);
        rangesResumed.set(alreadyDone);
        if (total > 0 && alreadyDone >= total) {
            // completed in the run being resumed: rangeDone() will not be called for it
            phase.set(Phase.DONE);
        }
    }

    void started()
    {
        if (phase.compareAndSet(Phase.WAITING, Phase.COPYING)) {
            startedNanos = System.nanoTime();
        }
    }

    void copied(int rows, Key key)
    {
        rowsCopied.add(rows);
        if (key != null) {
            lastKey.set(key);
        }
    }

    void rangeDone()
    {
        if (rangesDone.incrementAndGet() >= rangesTotal.get()) {
            finishedNanos = System.nanoTime();
            phase.compareAndSet(Phase.COPYING, Phase.DONE);
            phase.compareAndSet(Phase.WAITING, Phase.DONE);
        }
    }

    void failed(String message)
    {
        error.set(message);
        phase.set(Phase.FAILED);
        finishedNanos = System.nanoTime();
    }
}
