package dev.ferry.runtime.apply;

import dev.ferry.api.FerryException;
import dev.ferry.api.SqlFailures;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.config.CopyConfig.LockStrategy;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.core.RunMetrics;
import dev.ferry.runtime.core.TableLocks;
import dev.ferry.runtime.core.ThrottleGate;
import dev.ferry.runtime.sql.StatementTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Applies binlog row events to the target, in binlog order, in batches of up to
 * {@code replication.batchSize} events, one target transaction per batch: inserts and updates
 * as upserts of the new image, deletes (and the old side of key-changing updates) by the old
 * image's key. Applying a batch twice leaves the target as applying it once. A delete or
 * referenced-column update whose foreign keys cascade is preceded, in the same transaction, by
 * the child changes the binlog does not show ({@link Cascades}).
 *
 * <p>Events arrive from the binlog thread through a bounded queue (which slows the stream when
 * the target falls behind); one applier thread drains it. It keeps the {@link LagClock} current.
 */
public final class BinlogApplier
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(BinlogApplier.class);
    private static final int QUEUE_CAPACITY = 10_000;
    private static final long IDLE_POLL_MILLIS = 20;

    private sealed interface Item
            permits Rows, TransactionEnd, Statement, Heartbeat {}

    // sourceMillis: the binlog event header's timestamp (see BinlogListener)
    private record Rows(List<RowEvent> events, long sourceMillis) implements Item {}

    private record TransactionEnd(PositionPair position, long sourceMillis) implements Item {}

    private record Statement(String sql, String defaultDatabase, PositionPair position, long sourceMillis,
            java.util.concurrent.CountDownLatch done) implements Item {}

    private record Heartbeat(PositionPair position) implements Item {}

    /**
     * Everything the applier needs; {@code stateStore} only when it writes positions with batches.
     *
     * @param tag put in front of every statement the applier writes to the target with
     */
    public record Settings(
            int batchSize,
            int writeRetries,
            Duration retryBackoff,
            LockStrategy lockStrategy,
            long maxStatementBytes,
            StatementTag tag)
    {
        public Settings
        {
            requireNonNull(tag, "tag is null");
        }

        /**
         * Settings whose statements carry no tag (tools and tests that do not watch the target).
         */
        public Settings(int batchSize, int writeRetries, Duration retryBackoff, LockStrategy lockStrategy, long maxStatementBytes)
        {
            this(batchSize, writeRetries, retryBackoff, lockStrategy, maxStatementBytes, StatementTag.NONE);
        }
    }

    private final Settings settings;
    private final DataSource target;
    private final RewritesConfig rewrites;
    private final Optional<CopyFilter> copyFilter;
    private final Verifier verifier;
    private final ThrottleGate throttle;
    private final IntSupplier batchSize;
    private final TableLocks locks;
    private final Optional<StateStore> positionStore;
    private final SchemaChangeHandler schemaChanges;
    // a statement changed the target; its handler hears when the statement's transaction ended
    private boolean schemaChanged;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final EventWriter writer;
    private final Object progress = new Object();
    private final RunMetrics.Counter eventsApplied;
    private final RunMetrics.Counter batchesApplied;
    private final RunMetrics.Timer batchLatency;
    private final LagClock lag;
    private final AtomicReference<ApplierState> state = new AtomicReference<>(ApplierState.INIT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Instant stateChanged = Instant.now();
    private volatile PositionPair applied;
    private volatile PositionPair received;
    private volatile boolean stopping;
    private Thread thread;

    // the stream's events, unfiltered: a parent the copy filter skips may still cascade into moved children
    private final List<RowEvent> pending = new ArrayList<>();
    private PositionPair pendingPosition;
    // the source time of the last item handled (applier thread)
    private long handledSourceMillis;

    /**
     * @param batchSize the batch size, read before each batch: it may change while the applier runs
     * @param tables the moved tables' current schemas, whose foreign keys say which cascades to reproduce
     * @param lag the clock this applier keeps current
     */
    public BinlogApplier(Settings settings, IntSupplier batchSize, DataSource target, RewritesConfig rewrites, Optional<CopyFilter> copyFilter,
            Verifier verifier, List<Throttler> throttlers, TableLocks locks, Optional<StateStore> positionStore, SchemaChangeHandler schemaChanges,
            Supplier<? extends Collection<TableSchema>> tables, RunMetrics metrics, LagClock lag)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.batchSize = requireNonNull(batchSize, "batchSize is null");
        this.target = requireNonNull(target, "target is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.copyFilter = requireNonNull(copyFilter, "copyFilter is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.throttle = new ThrottleGate(throttlers, metrics.timeSpent("apply_throttled", "time the applier waited for throttlers"));
        this.locks = requireNonNull(locks, "locks is null");
        this.positionStore = requireNonNull(positionStore, "positionStore is null").filter(StateStore::writesPositionWithBatches);
        this.schemaChanges = requireNonNull(schemaChanges, "schemaChanges is null");
        this.writer = new EventWriter(rewrites, tables, settings.maxStatementBytes(), settings.tag());
        this.eventsApplied = metrics.counter("apply_events", "binlog row events applied to the target");
        this.batchesApplied = metrics.counter("apply_batches", "binlog batches committed on the target");
        this.batchLatency = metrics.latency("apply_batch_duration", "time to write and commit one batch of binlog events on the target");
        this.lag = requireNonNull(lag, "lag is null");
    }

    /**
     * Starts the applier thread; {@code start} is where streaming begins, the applied position
     * until the first batch commits.
     */
    public synchronized void start(PositionPair start)
    {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        applied = requireNonNull(start, "start is null");
        received = start;
        setState(ApplierState.WAITING);
        thread = new Thread(this::run, "ferry-applier");
        thread.setDaemon(true);
        thread.start();
    }

    // --- input, called on the binlog thread -----------------------------------------------------

    public void onRowEvents(List<RowEvent> events, long sourceMillis)
            throws InterruptedException
    {
        offer(new Rows(events, sourceMillis));
    }

    public void onTransactionEnd(PositionPair position, long sourceMillis)
            throws InterruptedException
    {
        offer(new TransactionEnd(position, sourceMillis));
    }

    /**
     * Queues a statement (DDL) and waits until it was handled: rows events after it must be
     * decoded with the schema it produces, so the binlog thread may not run ahead of it.
     */
    public void onStatement(String sql, String defaultDatabase, PositionPair position, long sourceMillis)
            throws InterruptedException
    {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        offer(new Statement(sql, defaultDatabase, position, sourceMillis, done));
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
            checkNotFailed();
            if (stopping && thread != null && !thread.isAlive()) {
                return;
            }
        }
    }

    public void onHeartbeat(PositionPair position)
            throws InterruptedException
    {
        offer(new Heartbeat(position));
    }

    private void offer(Item item)
            throws InterruptedException
    {
        lag.heard();
        while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            checkNotFailed();
            if (stopping) {
                return;
            }
        }
    }

    // --- status -----------------------------------------------------------------------------------

    public ApplierState state()
    {
        return state.get();
    }

    public Instant stateChanged()
    {
        return stateChanged;
    }

    /**
     * The position of the last committed batch (or of the last transaction seen with nothing to
     * apply): a resume from {@code applied().resume()} loses nothing.
     */
    public PositionPair applied()
    {
        return applied;
    }

    public String throttleReason()
    {
        return throttle.reason();
    }

    public Optional<Throwable> failure()
    {
        return Optional.ofNullable(failure.get());
    }

    public int queued()
    {
        return queue.size();
    }

    public LagClock lag()
    {
        return lag;
    }

    /**
     * Blocks until everything up to {@code position} was applied.
     *
     * @throws FerryException when the applier failed
     * @return whether the position was reached before the timeout
     */
    public boolean awaitApplied(BinlogPosition position, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (applied.event().compareTo(position) < 0) {
                checkNotFailed();
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                progress.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(remaining) + 1, 200));
            }
        }
        checkNotFailed();
        return true;
    }

    private void checkNotFailed()
    {
        Throwable cause = failure.get();
        if (cause != null) {
            throw cause instanceof FerryException ferry ? ferry : new FerryException("the binlog applier failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * Applies what is queued, then stops the thread. Events offered afterwards are dropped.
     */
    @Override
    public void close()
            throws InterruptedException
    {
        stopping = true;
        lag.stop();
        Thread current;
        synchronized (this) {
            current = thread;
        }
        if (current != null) {
            current.join(TimeUnit.MINUTES.toMillis(2));
            if (current.isAlive()) {
                current.interrupt();
                current.join(5_000);
            }
        }
    }

    // --- the applier thread ------------------------------------------------------------------------

    private void run()
    {
        try {
            while (true) {
                Item item = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (item == null) {
                    if (!pending.isEmpty()) {
                        // items may arrive during the flush: drained is for the next empty poll to say
                        flush();
                    }
                    else {
                        if (state.get() != ApplierState.WAITING) {
                            setState(ApplierState.WAITING);
                        }
                        lag.drained();
                    }
                    if (stopping && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                handle(item);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (Throwable e) {
            failure.set(e);
            log.error("the binlog applier failed: {}", e.getMessage(), e);
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void handle(Item item)
            throws InterruptedException, SQLException
    {
        if (item instanceof Rows rows) {
            if (state.get() != ApplierState.PROCESSING) {
                setState(ApplierState.PROCESSING);
            }
            if (pending.isEmpty()) {
                // everything before these rows is on the target
                lag.reached(rows.sourceMillis());
            }
            handledSourceMillis = rows.sourceMillis();
            List<RowEvent> events = rows.events();
            for (int i = 0; i < events.size(); i++) {
                RowEvent event = events.get(i);
                if (filtered(event) != null || copyFilter.isPresent() && writer.cascades().cascades(event)) {
                    pending.add(event);
                    pendingPosition = event.position();
                }
            }
            if (!events.isEmpty()) {
                received = events.get(events.size() - 1).position();
            }
            if (!pending.isEmpty()) {
                lag.pending();
            }
            if (pending.size() >= batchSize.getAsInt()) {
                flush();
            }
        }
        else if (item instanceof TransactionEnd end) {
            received = end.position();
            handledSourceMillis = end.sourceMillis();
            if (pending.isEmpty()) {
                advance(end.position());
                lag.reached(end.sourceMillis());
            }
            else {
                pendingPosition = end.position();
                if (pending.size() >= batchSize.getAsInt() || queue.isEmpty()) {
                    flush();
                }
            }
            if (schemaChanged && pending.isEmpty()) {
                schemaChanged = false;
                schemaChanges.settled(applied);
            }
        }
        else if (item instanceof Statement statement) {
            flush();
            lag.pending();
            lag.reached(statement.sourceMillis());
            handledSourceMillis = statement.sourceMillis();
            // everything before the statement's transaction is applied: a state saved by the
            // handler before it changes the target resumes right before the statement
            advance(PositionPair.at(statement.position().resume()));
            boolean changed = schemaChanges.apply(statement.sql(), statement.defaultDatabase(), statement.position());
            schemaChanged |= changed;
            writer.reset();
            advance(statement.position());
            statement.done().countDown();
        }
        else if (item instanceof Heartbeat heartbeat) {
            if (pending.isEmpty()) {
                if (heartbeat.position().event().compareTo(applied.event()) > 0) {
                    advance(heartbeat.position());
                }
                // a heartbeat proves the stream is alive: the health check sees a fresh state
                setState(ApplierState.WAITING);
            }
        }
    }

    /**
     * The event as the copy filter wants it applied, or null to skip it.
     */
    private RowEvent filtered(RowEvent event)
    {
        if (copyFilter.isEmpty()) {
            return event;
        }
        CopyFilter filter = copyFilter.get();
        TableSchema table = event.table();
        switch (event.type()) {
            case INSERT:
                return filter.matches(table, event.after()) ? event : null;
            case DELETE:
                return filter.matches(table, event.before()) ? event : null;
            default: {
                boolean before = filter.matches(table, event.before());
                boolean after = filter.matches(table, event.after());
                if (before && after) {
                    return event;
                }
                if (after) {
                    return new RowEvent(RowEvent.Type.INSERT, table, null, event.after(), event.position());
                }
                if (before) {
                    return new RowEvent(RowEvent.Type.DELETE, table, event.before(), null, event.position());
                }
                return null;
            }
        }
    }

    private void advance(PositionPair position)
    {
        synchronized (progress) {
            applied = position;
            progress.notifyAll();
        }
    }

    private void flush()
            throws InterruptedException, SQLException
    {
        if (pending.isEmpty()) {
            return;
        }
        throttle.await(() -> stopping);
        setState(ApplierState.APPLYING);
        long start = System.nanoTime();
        List<RowEvent> batch = List.copyOf(pending);
        PositionPair position = pendingPosition;
        applyWithRetries(batch, position);
        batchLatency.recordNanos(System.nanoTime() - start);
        pending.clear();
        List<RowEvent> applied = batch;
        if (copyFilter.isPresent()) {
            applied = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                RowEvent event = filtered(batch.get(i));
                if (event != null) {
                    applied.add(event);
                }
            }
        }
        eventsApplied.add(applied.size());
        batchesApplied.add(1);
        verifier.afterEventsApplied(applied);
        advance(position);
        lag.reached(handledSourceMillis);
        setState(ApplierState.APPLIED);
    }

    private void applyWithRetries(List<RowEvent> batch, PositionPair position)
            throws InterruptedException, SQLException
    {
        for (int failures = 0; ; failures++) {
            try {
                applyOnce(batch, position);
                return;
            }
            catch (SQLException e) {
                if (!SqlFailures.isRetryable(e) || failures >= settings.writeRetries()) {
                    throw new FerryException("applying " + batch.size() + " binlog events ending at " + position.event() + " failed"
                            + (failures > 0 ? " after " + failures + " retries" : "") + ": " + SqlFailures.describe(e), e);
                }
                long sleep = SqlFailures.retryDelay(settings.retryBackoff(), failures).toMillis();
                log.warn("applying binlog batch at {} failed ({}), retry {} of {} in {} ms", position.event(), SqlFailures.describe(e), failures + 1, settings.writeRetries(), sleep);
                Thread.sleep(sleep);
            }
        }
    }

    private void applyOnce(List<RowEvent> batch, PositionPair position)
            throws SQLException
    {
        List<TableName> locked = List.of();
        if (settings.lockStrategy() == LockStrategy.IN_FERRY) {
            Set<TableName> tables = new LinkedHashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                tables.add(batch.get(i).table().name());
            }
            writer.cascades().addReachable(tables);
            locked = locks.lockForApply(tables);
        }
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(false);
            try {
                writer.apply(connection, batch, this::filtered);
                if (positionStore.isPresent()) {
                    positionStore.get().writePosition(connection, position);
                }
                connection.commit();
            }
            catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                }
                catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
            finally {
                try {
                    connection.setAutoCommit(true);
                }
                catch (SQLException ignored) {
                    // the pool discards broken connections
                }
            }
        }
        finally {
            if (!locked.isEmpty()) {
                locks.unlockForApply(locked);
            }
        }
    }

    private void setState(ApplierState newState)
    {
        state.set(newState);
        stateChanged = Instant.now();
    }
}
