package dev.ferry.runtime.copy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSizerTest
{
    private static final long MS = 1_000_000;
    private static final long MB = 1L << 20;

    @Test
    void growsTowardTheTargetTimeAtMostDoublingPerBatch()
    {
        BatchSizer sizer = new BatchSizer(true, 250 * MS, 1000, 50_000, 8 * MB, 0);
        assertEquals(1000, sizer.next(0, 1000));
        // 1000 rows in 25 ms: 10,000 rows would take 250 ms, but one step at most doubles
        sizer.record(1000, 1000, 200_000, 25 * MS, 10 * MS);
        assertEquals(2000, sizer.next(0, 1000));
        sizer.record(2000, 2000, 400_000, 50 * MS, 20 * MS);
        sizer.record(4000, 4000, 800_000, 100 * MS, 40 * MS);
        assertEquals(8000, sizer.next(0, 1000));
        sizer.record(8000, 8000, 1_600_000, 200 * MS, 80 * MS);
        assertEquals(10_000, sizer.next(0, 1000));
    }

    @Test
    void shrinksWhenBatchesTakeLongerThanTheTarget()
    {
        BatchSizer sizer = new BatchSizer(true, 100 * MS, 4000, 50_000, 8 * MB, 0);
        sizer.record(4000, 4000, 800_000, 160 * MS, 60 * MS);
        assertEquals(2500, sizer.next(0, 4000));
        // at most halves per batch
        sizer.record(2500, 2500, 500_000, 1000 * MS, 65 * MS);
        assertEquals(1250, sizer.next(0, 4000));
    }

    @Test
    void backsOffWhenTheTargetsWritesSlowDown()
    {
        BatchSizer sizer = new BatchSizer(true, 250 * MS, 1000, 50_000, 8 * MB, 0);
        sizer.record(1000, 1000, 200_000, 50 * MS, 20 * MS);
        assertEquals(2000, sizer.next(0, 1000));
        // the write takes 5x longer per row (the target's commits slow down), the batch still fits the target time
        sizer.record(2000, 2000, 400_000, 240 * MS, 200 * MS);
        assertEquals(1000, sizer.next(0, 1000));
        // held for a few batches even though they are fast again
        sizer.record(1000, 1000, 200_000, 25 * MS, 10 * MS);
        assertEquals(1000, sizer.next(0, 1000));
    }

    @Test
    void shortBatchesDoNotChangeTheSize()
    {
        BatchSizer sizer = new BatchSizer(true, 250 * MS, 1000, 50_000, 8 * MB, 0);
        sizer.record(1000, 10, 2_000, 1 * MS, 1 * MS);
        assertEquals(1000, sizer.next(0, 1000));
    }

    @Test
    void staysWithinTheConfiguredMaximum()
    {
        BatchSizer sizer = new BatchSizer(true, 1000 * MS, 1000, 3000, 8 * MB, 0);
        for (int i = 0; i < 10; i++) {
            int rows = sizer.next(0, 1000);
            sizer.record(rows, rows, rows * 100L, rows * 10_000L, rows * 5_000L);
        }
        assertEquals(3000, sizer.next(0, 1000));
    }

    @Test
    void blobRowsGetBatchesBoundedByBytes()
    {
        // the server's average row length (300 KB) bounds the first batch already
        BatchSizer sizer = new BatchSizer(true, 250 * MS, 1000, 50_000, 8 * MB, 300 * 1024);
        assertEquals(27, sizer.next(0, 1000));
        // also when not adaptive, and under a batch size an operator set
        BatchSizer fixed = new BatchSizer(false, 250 * MS, 1000, 1000, 8 * MB, 0);
        assertEquals(1000, fixed.next(0, 1000));
        fixed.record(1000, 1000, 1000 * 600 * 1024L, 2000 * MS, 1000 * MS);
        assertEquals(13, fixed.next(0, 1000));
        assertEquals(13, fixed.next(5000, 1000));
        // a row larger than the cap is copied alone
        fixed.record(13, 13, 13 * 20 * MB, 100 * MS, 50 * MS);
        assertEquals(1, fixed.next(0, 1000));
    }

    @Test
    void aPinnedOrFixedSizeIsUsedAsIs()
    {
        BatchSizer adaptive = new BatchSizer(true, 250 * MS, 1000, 50_000, 8 * MB, 0);
        adaptive.record(1000, 1000, 200_000, 25 * MS, 10 * MS);
        assertEquals(700, adaptive.next(700, 1000));
        BatchSizer fixed = new BatchSizer(false, 250 * MS, 1000, 1000, 8 * MB, 0);
        fixed.record(1000, 1000, 200_000, 25 * MS, 10 * MS);
        assertEquals(1000, fixed.next(0, 1000));
        // a tuned copy.batchSize reaches a fixed sizer through its argument
        assertEquals(400, fixed.next(0, 400));
        assertTrue(fixed.bytesPerRow() > 0);
    }

    @Test
    void rangeCountUsesEveryWorkerOnALargeTable()
    {
        assertEquals(1, RangePlanner.rangeCount(80_000, 0, 250_000, 4));
        assertEquals(2, RangePlanner.rangeCount(100_000, 0, 250_000, 4));
        assertEquals(4, RangePlanner.rangeCount(300_000, 0, 250_000, 4));
        assertEquals(10, RangePlanner.rangeCount(1_000_000, 0, 100_000, 4));
        assertEquals(2, RangePlanner.rangeCount(300_000, 0, 250_000, 1));
        assertEquals(RangePlanner.MAX_RANGES, RangePlanner.rangeCount(Long.MAX_VALUE / 2, 0, 1_000, 4));
        // 200 rows of 300 KB blobs: split by bytes, never into more ranges than rows
        assertEquals(3, RangePlanner.rangeCount(200, 60L << 20, 250_000, 4));
        assertEquals(2, RangePlanner.rangeCount(2, 1L << 30, 250_000, 4));
        assertEquals(1, RangePlanner.rangeCount(200, 8L << 20, 250_000, 4));
    }
}
