package dev.ferry.runtime.copy;

import dev.ferry.api.SqlFailures;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.config.CopyConfig;
import dev.ferry.runtime.core.TableLocks;
import dev.ferry.runtime.core.RunMetrics;
import dev.ferry.runtime.core.RunTuning;
import dev.ferry.runtime.core.ThrottleGate;
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.sql.StatementTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * What every copy worker shares: config, pools, locks, verifier, throttlers, the stop flag and
 * the retry policy.
 */
public final class CopyContext
{
    private static final Logger log = LoggerFactory.getLogger(CopyContext.class);

    private final CopyConfig config;
    private final DataSource source;
    private final DataSource target;
    private final TableLocks locks;
    private final Verifier verifier;
    private final ThrottleGate throttle;
    private final RunTuning tuning;
    private final StatementTag tag;
    private final ReplicationBarrier barrier;
    private final java.util.function.Function<dev.ferry.api.model.TableName, java.util.Optional<dev.ferry.api.model.TableSchema>> schemas;
    // null when renames are not followed
    private final TableRenames renames;
    private static final long MIN_STATEMENT_BYTES = 1L << 20;
    private static final long MAX_STATEMENT_BYTES = 16L << 20;

    private volatile long maxStatementBytes = MIN_STATEMENT_BYTES;
    private volatile long maxAllowedPacket = MIN_STATEMENT_BYTES * 4;
    private final java.util.Map<dev.ferry.api.model.TableName, Long> rowLengths = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile CopyConfig.WriteMethod writeMethod = CopyConfig.WriteMethod.INSERT;
    private final RunMetrics.Counter rowsCopied;
    private final RunMetrics.Counter retries;
    private final RunMetrics.Timer batchLatency;
    private final AtomicBoolean stopping = new AtomicBoolean();

    CopyContext(CopyConfig config, DataSource source, DataSource target, TableLocks locks, Verifier verifier, List<Throttler> throttlers,
            ReplicationBarrier barrier, java.util.function.Function<dev.ferry.api.model.TableName, java.util.Optional<dev.ferry.api.model.TableSchema>> schemas,
            Optional<TableRenames> renames, RunMetrics metrics, RunTuning tuning, StatementTag tag)
    {
        this.tag = requireNonNull(tag, "tag is null");
        this.tuning = requireNonNull(tuning, "tuning is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.renames = requireNonNull(renames, "renames is null").orElse(null);
        this.config = requireNonNull(config, "config is null");
        this.source = requireNonNull(source, "source is null");
        this.target = requireNonNull(target, "target is null");
        this.locks = requireNonNull(locks, "locks is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.throttle = new ThrottleGate(throttlers, metrics.timeSpent("copy_throttled", "time copy workers waited for throttlers"));
        this.barrier = requireNonNull(barrier, "barrier is null");
        this.rowsCopied = metrics.counter("copy_rows", "rows copied to the target");
        this.retries = metrics.counter("copy_retries", "copy batches retried after a retryable error");
        this.batchLatency = metrics.latency("copy_batch_duration", "time to read one copy batch from the source and write it to the target");
    }

    /**
     * What every statement the copy writes to the target starts with.
     */
    StatementTag tag()
    {
        return tag;
    }

    RunTuning tuning()
    {
        return tuning;
    }

    /**
     * The batch size for the next batch; one batch uses one value throughout.
     */
    int batchSize()
    {
        return tuning.values().copyBatchSize();
    }

    /**
     * The batch size an operator set ({@code POST /api/tune}), which the copy uses instead of
     * adapting its own; 0 when none was set.
     */
    int pinnedBatchSize()
    {
        return tuning.copyBatchSizePinned() ? tuning.values().copyBatchSize() : 0;
    }

    /**
     * Bytes of column data one batch may carry: {@code copy.maxBatchBytes}, at most half the
     * target's {@code max_allowed_packet} (an INSERT is split further, see {@link #maxStatementBytes}).
     */
    long maxBatchBytes()
    {
        return Math.max(1, Math.min(config.adaptive().maxBatchBytes(), maxAllowedPacket / 2));
    }

    /**
     * A batch sizer for one key range of {@code table}, starting from the current {@code copy.batchSize}.
     */
    BatchSizer newSizer(dev.ferry.api.model.TableSchema table)
    {
        CopyConfig.Adaptive adaptive = config.adaptive();
        int start = tuning.values().copyBatchSize();
        return new BatchSizer(adaptive.enabled(), adaptive.targetBatchTime().toNanos(), start, Math.max(start, adaptive.maxBatchSize()),
                maxBatchBytes(), averageRowLength(table.name()));
    }

    /**
     * The server's estimate of a row's length (InnoDB's data length over its row estimate, off-page
     * blobs included), 0 when unknown; read once per table.
     */
    private long averageRowLength(dev.ferry.api.model.TableName table)
    {
        return rowLengths.computeIfAbsent(table, name -> {
            try (java.sql.Connection connection = source.getConnection();
                    java.sql.PreparedStatement statement = connection.prepareStatement(
                            "SELECT COALESCE(avg_row_length, 0) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
                statement.setString(1, name.database());
                statement.setString(2, name.table());
                try (java.sql.ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : 0L;
                }
            }
            catch (SQLException e) {
                log.debug("cannot read the average row length of {}", name, e);
                return 0L;
            }
        });
    }

    CopyConfig config()
    {
        return config;
    }

    DataSource source()
    {
        return source;
    }

    DataSource target()
    {
        return target;
    }

    TableLocks locks()
    {
        return locks;
    }

    Verifier verifier()
    {
        return verifier;
    }

    ReplicationBarrier barrier()
    {
        return barrier;
    }

    /**
     * The table's current structure as the binlog applier knows it, or empty when it was dropped.
     */
    java.util.Optional<dev.ferry.api.model.TableSchema> currentSchema(dev.ferry.api.model.TableName table)
    {
        return schemas.apply(table);
    }

    /**
     * Whether renames are followed: replicated DDL records them, and the copy of a table that
     * was renamed continues under its new name.
     */
    boolean followsRenames()
    {
        return renames != null;
    }

    /**
     * The current rename version; 0 when renames are not followed.
     */
    int renamesVersion()
    {
        return renames == null ? 0 : renames.version();
    }

    /**
     * What became of the plan's table since it was planned, as far as the binlog applier has
     * applied DDL: null while it still has its name, else where it went (or that it was dropped).
     * A rename on the source the applier has not reached yet is not known here; callers that
     * must know wait with {@link ReplicationBarrier#awaitAppliedUpToCurrent} first.
     */
    TableRenames.Fate changedIdentity(TablePlan plan)
    {
        if (renames == null || renames.version() == plan.renamesSeen()) {
            return null;
        }
        TableRenames.Fate fate = renames.fate(plan.table().name(), plan.renamesSeen());
        return fate.renamed() || fate.gone() ? fate : null;
    }

    long maxStatementBytes()
    {
        return maxStatementBytes;
    }

    /**
     * Sizes INSERT statements from the target's {@code max_allowed_packet}: a quarter of it,
     * between 1 and 16 MiB (escaping and protocol overhead stay well inside the limit).
     */
    void readMaxStatementBytes()
    {
        try (java.sql.Connection connection = target.getConnection(); java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery("SELECT @@max_allowed_packet")) {
            rows.next();
            maxAllowedPacket = rows.getLong(1);
            maxStatementBytes = Math.max(MIN_STATEMENT_BYTES, Math.min(MAX_STATEMENT_BYTES, maxAllowedPacket / 4));
        }
        catch (SQLException e) {
            log.warn("cannot read the target's max_allowed_packet ({}); keeping INSERT statements under {} bytes", e.getMessage(), MIN_STATEMENT_BYTES);
            maxStatementBytes = MIN_STATEMENT_BYTES;
        }
    }

    /**
     * Settles {@code copy.writeMethod} against the target: {@code auto} loads with
     * {@code LOAD DATA LOCAL} where the server allows it ({@code local_infile=ON}, MariaDB's
     * default) and inserts otherwise (MySQL 8's default); {@code load-data} on a server that does
     * not allow it is an error naming the setting.
     */
    void resolveWriteMethod()
    {
        writeMethod = resolveWriteMethod(config.writeMethod(), target);
        if (config.writeMethod() != CopyConfig.WriteMethod.INSERT) {
            log.info("the copy writes with {}", writeMethod == CopyConfig.WriteMethod.LOAD_DATA ? "LOAD DATA LOCAL" : "INSERT (the target has local_infile=OFF)");
        }
    }

    /**
     * The write method {@code configured} settles to on {@code target}.
     *
     * @throws CopyException when {@code load-data} is configured and the target does not allow it
     */
    public static CopyConfig.WriteMethod resolveWriteMethod(CopyConfig.WriteMethod configured, DataSource target)
    {
        if (configured == CopyConfig.WriteMethod.INSERT) {
            return configured;
        }
        boolean allowed;
        try (java.sql.Connection connection = target.getConnection(); java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery("SELECT @@GLOBAL.local_infile")) {
            rows.next();
            allowed = rows.getBoolean(1);
        }
        catch (SQLException e) {
            if (configured == CopyConfig.WriteMethod.LOAD_DATA) {
                throw new CopyException("copy.writeMethod: load-data: cannot read the target's local_infile setting: " + e.getMessage(), e);
            }
            log.warn("cannot read the target's local_infile setting ({}); the copy writes with INSERT", e.getMessage());
            allowed = false;
        }
        if (!allowed && configured == CopyConfig.WriteMethod.LOAD_DATA) {
            throw new CopyException("copy.writeMethod: load-data needs local_infile=ON on the target (SET GLOBAL local_infile = 1), "
                    + "or set copy.writeMethod to auto or insert");
        }
        return allowed ? CopyConfig.WriteMethod.LOAD_DATA : CopyConfig.WriteMethod.INSERT;
    }

    /**
     * {@code load-data} or {@code insert}, once {@link #resolveWriteMethod} ran.
     */
    CopyConfig.WriteMethod writeMethod()
    {
        return writeMethod;
    }

    boolean isStopping()
    {
        return stopping.get();
    }

    void stop()
    {
        stopping.set(true);
    }

    void rowsCopied(int rows)
    {
        rowsCopied.add(rows);
    }

    /**
     * One batch was read and written (and committed) in {@code nanos}.
     */
    void batchCopied(long nanos)
    {
        batchLatency.recordNanos(nanos);
    }

    String throttleReason()
    {
        return throttle.reason();
    }

    /**
     * Waits while any copy throttler says so.
     */
    void awaitThrottlers()
            throws InterruptedException
    {
        throttle.await(stopping::get);
    }

    interface Attempt<T>
    {
        T run()
                throws SQLException, InterruptedException;
    }

    /**
     * Runs {@code attempt}, retrying retryable SQL errors up to the larger of
     * {@code copy.readRetries} and {@code copy.writeRetries} times with exponential backoff.
     *
     * @throws CopyException naming the table, the key and the SQL error
     */
    <T> T withRetries(TablePlan plan, Supplier<String> where, Attempt<T> attempt)
            throws InterruptedException
    {
        int maxRetries = Math.max(config.readRetries(), config.writeRetries());
        for (int failures = 0; ; failures++) {
            try {
                return attempt.run();
            }
            catch (SQLException e) {
                if (!SqlFailures.isRetryable(e) || failures >= maxRetries || stopping.get()) {
                    throw new CopyException("copying " + plan.table().name() + " to " + plan.target() + " failed at " + where.get()
                            + (failures > 0 ? " after " + failures + " retries" : "") + ": " + SqlFailures.describe(e), e);
                }
                retries.add(1);
                long sleep = SqlFailures.retryDelay(config.retryBackoff(), failures).toMillis();
                log.warn("copying {} at {} failed ({}), retry {} of {} in {} ms", plan.table().name(), where.get(), SqlFailures.describe(e), failures + 1, maxRetries, sleep);
                Thread.sleep(sleep);
            }
        }
    }
}
