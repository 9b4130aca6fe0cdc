package dev.ferry.runtime.copy;

import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TableProgressTest
{
    private static final TableName TABLE = new TableName("shop", "orders");

    @Test
    void theCountReplacesTheEstimateOnceTheWholeTableIsCopied()
    {
        TableProgress progress = new TableProgress(TABLE, 201);
        progress.setRanges(2, 0);
        progress.started();
        progress.copied(120, null);
        progress.rangeDone();
        assertEquals(201, progress.expectedRows());
        progress.copied(80, null);
        progress.rangeDone();
        assertEquals(TableProgress.Phase.DONE, progress.phase());
        assertEquals(200, progress.expectedRows());
    }

    @Test
    void theEstimateIsAtLeastTheRowsCopied()
    {
        TableProgress progress = new TableProgress(TABLE, 100);
        progress.setRanges(1, 0);
        progress.started();
        progress.copied(150, null);
        assertEquals(150, progress.expectedRows());
    }

    @Test
    void aResumedTableKeepsTheEstimateBecauseEarlierRunsCopiedRowsNotCountedHere()
    {
        TableProgress progress = new TableProgress(TABLE, 1000);
        progress.setRanges(2, 1);
        progress.started();
        progress.copied(400, null);
        progress.rangeDone();
        assertEquals(TableProgress.Phase.DONE, progress.phase());
        assertEquals(1000, progress.expectedRows());

        TableProgress finishedEarlier = new TableProgress(TABLE, 1000);
        finishedEarlier.setRanges(3, 3);
        assertEquals(TableProgress.Phase.DONE, finishedEarlier.phase());
        assertEquals(1000, finishedEarlier.expectedRows());
    }
}
