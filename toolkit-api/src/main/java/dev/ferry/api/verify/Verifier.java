package dev.ferry.api.verify;

import dev.ferry.api.model.RowBatch;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Checks that source and target are equal. The runtime calls the hooks below at fixed points of
 * the pipeline; a verifier implements the ones it needs.
 *
 * <p>Thread-safety: {@link #afterBatchCopied} is called concurrently from copy workers;
 * {@link #afterEventsApplied} from the single applier thread; the others from the coordinator.
 */
public interface Verifier
        extends AutoCloseable
{
    /**
     * Called once the databases are connected and the tables are known, before copy and
     * streaming start. {@code savedState} is what {@link #saveState()} returned in the run being
     * resumed, or null on a fresh start.
     */
    default void start(String savedState)
    {
    }

    /**
     * Called inside the copy transaction, right after {@code batch} was written to the target
     * through {@code target} and before that transaction commits. The rows in the batch are
     * exactly what was read from the source. A verifier may read the target rows through
     * {@code target} to fingerprint them; it must not commit or roll back.
     *
     * @throws SQLException to fail (and retry) the batch
     */
    default void afterBatchCopied(RowBatch batch, Connection target)
            throws SQLException
    {
    }

    /**
     * Called after every committed apply batch with exactly the row events it applied, in binlog
     * order (after copy filters). Must be fast: record keys, do not query. When
     * {@link #readsCascadedRows()}, the child-row changes of the foreign-key cascades the batch
     * reproduced follow them: the binlog holds only the parent's event, so the applier reads the
     * child rows on the target before changing them (full images, in table order).
     */
    default void afterEventsApplied(List<RowEvent> events)
    {
    }

    /**
     * Whether {@link #afterEventsApplied} should also hear the child rows that reproduced
     * foreign-key cascades change, which costs the applier a read of those rows on the target.
     * Verifiers that re-verify the keys the binlog changed want them; the default is no.
     */
    default boolean readsCascadedRows()
    {
        return false;
    }

    /**
     * Called after a DDL changed {@code table}'s structure on both sides; fingerprints taken
     * from now on must use the new structure.
     */
    default void afterSchemaChange(TableName table)
    {
    }

    /**
     * Called after a DDL put another table under {@code table}'s name, as
     * {@code RENAME TABLE a TO tmp, b TO a, tmp TO b} does for {@code a} and {@code b}; always
     * right after {@link #afterSchemaChange} for the same table. Keys recorded under the name
     * before the statement no longer identify the rows they were recorded for, and the rows now
     * under it may never have been compared.
     */
    default void afterTableReplaced(TableName table)
    {
    }

    /**
     * Called when the copy has finished and before writes stop, e.g. for an iterative pass or to
     * drain a re-verification backlog. May take long; must return promptly when interrupted.
     */
    default VerificationResult verifyBeforeCutover()
            throws InterruptedException
    {
        return VerificationResult.notRun("no verification before cutover");
    }

    /**
     * An estimate of how long {@link #verifyAtCutover()} would take now, for
     * {@code maxExpectedDowntime} checks; zero when unknown or instant.
     */
    default java.time.Duration expectedCutoverDuration()
    {
        return java.time.Duration.ZERO;
    }

    /**
     * The longest {@link #verifyAtCutover()} may take ({@code maxExpectedDowntime}); the runtime
     * holds the cutover while {@link #expectedCutoverDuration()} exceeds it, and says by how much.
     * Empty: no limit.
     */
    default java.util.Optional<java.time.Duration> maxExpectedDowntime()
    {
        return java.util.Optional.empty();
    }

    /**
     * Called during cutover, with source writes stopped and every event applied. The result
     * decides whether the run succeeds.
     */
    VerificationResult verifyAtCutover()
            throws InterruptedException;

    /**
     * The latest result for status pages, e.g. a running count of re-verified rows.
     */
    default VerificationResult currentResult()
    {
        return VerificationResult.notRun("not run yet");
    }

    /**
     * The verifier's state to keep across a resume (e.g. keys still to re-verify), as JSON text,
     * or null when there is none. Called at checkpoints from the coordinator thread.
     */
    default String saveState()
    {
        return null;
    }

    @Override
    default void close()
    {
    }
}
