package dev.ferry.runtime.copy;

/**
 * Chooses the row count of one key range's next batch while it is copied. Not thread-safe: one
 * per range copier.
 * <p>
 * Adaptive, the size moves toward the row count that takes {@code targetNanos} per batch (read,
 * write and commit), measured on the range's own full batches, at most doubling or halving per
 * batch; it starts at {@code copy.batchSize} and stays within {@code copy.maxBatchSize}. When a
 * batch's write (the target's insert and commit) takes more than twice its recent average per
 * row, the target is slowing down (its commit latency rose, or something else competes for it):
 * the size halves and does not grow for the next few batches. Whether adaptive or not, a batch
 * carries at most {@code maxBatchBytes} of column data, estimated from the bytes per row seen so
 * far (or the table's average row length before the first batch), so that tables of large blobs
 * copy in batches of a few rows instead of {@code batchSize} rows.
 */
final class BatchSizer
{
    private static final int HOLD_AFTER_BACKOFF = 3;

    private final boolean adaptive;
    private final long targetNanos;
    private final int maxRows;
    private final long maxBytes;
    private double size;
    private double bytesPerRow;
    private double writeNanosPerRow;
    private int hold;

    /**
     * @param startRows the first batch's row count ({@code copy.batchSize})
     * @param bytesPerRowHint the table's average row length as the server estimates it, 0 when unknown
     */
    BatchSizer(boolean adaptive, long targetNanos, int startRows, int maxRows, long maxBytes, long bytesPerRowHint)
    {
        if (startRows < 1 || maxRows < 1 || maxBytes < 1 || targetNanos < 1) {
            throw new IllegalArgumentException("batch sizes, byte cap and target time must be positive");
        }
        this.adaptive = adaptive;
        this.targetNanos = targetNanos;
        this.maxRows = Math.max(maxRows, startRows);
        this.maxBytes = maxBytes;
        this.size = startRows;
        this.bytesPerRow = Math.max(0, bytesPerRowHint);
    }

    /**
     * The next batch's row count.
     *
     * @param pinned a batch size an operator set, used instead of the adapted one; 0 for none
     * @param configured the current {@code copy.batchSize}, used when not adaptive
     */
    int next(int pinned, int configured)
    {
        long rows = pinned > 0 ? pinned : adaptive ? Math.round(size) : configured;
        if (bytesPerRow > 0) {
            rows = Math.min(rows, (long) (maxBytes / bytesPerRow));
        }
        return (int) Math.max(1, rows);
    }

    /**
     * Records a batch of {@code rows} rows (asked for {@code requested}) carrying {@code bytes} of
     * column data, which took {@code totalNanos} from its read to its commit, {@code writeNanos}
     * of them writing and committing on the target.
     */
    void record(int requested, int rows, long bytes, long totalNanos, long writeNanos)
    {
        if (rows <= 0) {
            return;
        }
        double rowBytes = (double) bytes / rows;
        bytesPerRow = bytesPerRow <= 0 ? rowBytes : 0.5 * bytesPerRow + 0.5 * rowBytes;
        if (!adaptive || rows < requested) {
            // a short batch (the range's end) says nothing about how long a full one takes
            return;
        }
        double writePerRow = (double) writeNanos / rows;
        boolean slowing = writeNanosPerRow > 0 && writePerRow > 2 * writeNanosPerRow && writeNanos > targetNanos / 4;
        writeNanosPerRow = writeNanosPerRow <= 0 ? writePerRow : 0.8 * writeNanosPerRow + 0.2 * writePerRow;
        if (slowing) {
            size = Math.max(1, size / 2);
            hold = HOLD_AFTER_BACKOFF;
            return;
        }
        double ideal = totalNanos <= 0 ? size * 2 : (double) targetNanos * rows / totalNanos;
        double next = Math.max(size / 2, Math.min(size * 2, ideal));
        if (hold > 0) {
            hold--;
            next = Math.min(next, size);
        }
        size = Math.max(1, Math.min(maxRows, next));
    }

    /**
     * The bytes per row seen so far (or the hint), 0 when unknown.
     */
    long bytesPerRow()
    {
        return Math.round(bytesPerRow);
    }
}
