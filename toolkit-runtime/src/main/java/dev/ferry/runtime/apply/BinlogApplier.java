package dev.ferry.runtime.apply;

import dev.ferry.api.FerryException;
import dev.ferry.api.SqlFailures;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.config.CopyConfig.LockStrategy;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.core.RekeyedRows;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Applies binlog row events to the target in batches of up to {@code replication.batchSize}
 * events and {@link #MAX_BATCH_BYTES} bytes of row images: inserts and updates as upserts of the
 * new image, deletes (and the old side of key-changing updates) by the old image's key. Applying a batch twice leaves the target as
 * applying it once. A delete or referenced-column update whose foreign keys cascade is preceded,
 * in the same transaction, by the child changes the binlog does not show ({@link Cascades}).
 *
 * <p>Events arrive from the binlog thread through a bounded queue (which slows the stream when
 * the target falls behind); one coordinator thread drains it, gathers batches and keeps the
 * {@link LagClock} current. With {@code parallelism} above 1, a batch is split by
 * {@link ApplyPartitioner} into parts whose events touch disjoint rows and unique values; the
 * parts are written at the same time on separate target connections, each in binlog order in its
 * own transaction. A part that fails (a deadlock between parts, a lost connection) is written
 * again alone after the others committed. The batch counts as applied, and its position is saved
 * (in its own transaction when the state store writes positions with batches), only once every
 * part committed: the applied position is a low-water mark below which every event is on the
 * target, and a resume re-applies at most the batch that was being written.
 */
public final class BinlogApplier
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(BinlogApplier.class);
    private static final int QUEUE_CAPACITY = 10_000;
    /**
     * The row-image bytes a batch holds at most, whatever {@code replication.batchSize} says: a
     * batch of thousands of events of a blob table would otherwise hold gigabytes in memory and
     * in one target transaction.
     */
    static final long MAX_BATCH_BYTES = 32L << 20;
    private static final long IDLE_POLL_MILLIS = 20;
    /**
     * A batch is split into at most one part per this many events: a part costs a connection,
     * a transaction and its commit, which a few events do not repay.
     */
    static final int MIN_EVENTS_PER_PART = 32;

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
            int parallelism,
            int writeRetries,
            Duration retryBackoff,
            LockStrategy lockStrategy,
            long maxStatementBytes,
            StatementTag tag)
    {
        public Settings
        {
            requireNonNull(tag, "tag is null");
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
            }
        }

        /**
         * Settings of one apply worker whose statements carry no tag (tools and tests that do
         * not watch the target).
         */
        public Settings(int batchSize, int writeRetries, Duration retryBackoff, LockStrategy lockStrategy, long maxStatementBytes)
        {
            this(batchSize, 1, writeRetries, retryBackoff, lockStrategy, maxStatementBytes, StatementTag.NONE);
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
    private final Supplier<? extends Collection<TableSchema>> tables;
    // one per part of a batch: the coordinator writes the first part, the workers the others
    private final EventWriter[] writers;
    // built from the moved tables' foreign keys; dropped after a schema change (coordinator only)
    private Cascades cascades;
    private ApplyPartitioner partitioner;
    private ExecutorService workers;
    private final Object progress = new Object();
    private final RunMetrics.Counter eventsApplied;
    private final RunMetrics.Counter batchesApplied;
    private final RunMetrics.Counter partsApplied;
    private final RunMetrics.Counter partsRetried;
    private final RunMetrics.Timer batchLatency;
    private final LagClock lag;
    private final AtomicReference<ApplierState> state = new AtomicReference<>(ApplierState.INIT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Instant stateChanged = Instant.now();
    private volatile PositionPair applied;
    private volatile PositionPair received;
    // the binlog thread's last transaction end, and the row events it handed over
    private volatile PositionPair streamed;
    private final AtomicLong receivedEvents = new AtomicLong();
    // row events applied or skipped (coordinator)
    private volatile long settledEvents;
    private volatile boolean stopping;
    private Thread thread;

    // the stream's events, unfiltered: a parent the copy filter skips may still cascade into moved children
    private final List<RowEvent> pending = new ArrayList<>();
    // the row-image bytes of the pending events
    private long pendingBytes;
    private PositionPair pendingPosition;
    // the source time of the last item handled (applier thread)
    private long handledSourceMillis;

    /**
     * @param batchSize the batch size, read before each batch: it may change while the applier runs
     * @param tables the moved tables' current schemas, whose foreign keys say which cascades to reproduce
     * @param lag the clock this applier keeps current
     */
    public BinlogApplier(Settings settings, IntSupplier batchSize, DataSource target, RewritesConfig rewrites, Optional<CopyFilter> copyFilter,
            Verifier verifier, List<Throttler> throttlers, TableLocks locks, RekeyedRows rekeyed, Optional<StateStore> positionStore,
            SchemaChangeHandler schemaChanges, Supplier<? extends Collection<TableSchema>> tables, RunMetrics metrics, LagClock lag)
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
        this.tables = requireNonNull(tables, "tables is null");
        this.writers = new EventWriter[settings.parallelism()];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = new EventWriter(rewrites, tables, settings.maxStatementBytes(), settings.tag(), requireNonNull(rekeyed, "rekeyed is null"),
                    verifier.readsCascadedRows());
        }
        this.eventsApplied = metrics.counter("apply_events", "binlog row events applied to the target");
        this.batchesApplied = metrics.counter("apply_batches", "binlog batches committed on the target");
        this.partsApplied = metrics.counter("apply_parts", "parts of binlog batches committed on the target, each in its own transaction"
                + " (more parts than batches: batches were applied in parallel)");
        this.partsRetried = metrics.counter("apply_parts_retried", "parts of binlog batches written again alone after failing"
                + " beside the batch's other parts (deadlocks between parts, lost connections)");
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
        streamed = start;
        if (positionStore.isEmpty()) {
            warnAboutInexactReplays();
        }
        setState(ApplierState.WAITING);
        if (writers.length > 1) {
            AtomicInteger ids = new AtomicInteger();
            workers = Executors.newFixedThreadPool(writers.length - 1, runnable -> {
                Thread worker = new Thread(runnable, "ferry-apply-" + ids.incrementAndGet());
                worker.setDaemon(true);
                return worker;
            });
        }
        thread = new Thread(this::run, "ferry-applier");
        thread.setDaemon(true);
        thread.start();
    }

    // --- input, called on the binlog thread -----------------------------------------------------

    public void onRowEvents(List<RowEvent> events, long sourceMillis)
            throws InterruptedException
    {
        receivedEvents.addAndGet(events.size());
        offer(new Rows(events, sourceMillis));
    }

    public void onTransactionEnd(PositionPair position, long sourceMillis)
            throws InterruptedException
    {
        streamed = position;
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

    /**
     * Row events received from the binlog and not yet applied (or skipped by the filters).
     */
    public long backlogEvents()
    {
        return Math.max(0, receivedEvents.get() - settledEvents);
    }

    /**
     * Binlog bytes between the applied position and the last transaction received, or null
     * before the start and when they are in different files.
     */
    public Long backlogBytes()
    {
        PositionPair from = applied;
        PositionPair to = streamed;
        if (from == null || to == null || !from.event().file().equals(to.event().file())) {
            return null;
        }
        return Math.max(0, to.event().offset() - from.event().offset());
    }

    public int parallelism()
    {
        return writers.length;
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
        if (workers != null) {
            workers.shutdownNow();
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
            int skipped = 0;
            for (int i = 0; i < events.size(); i++) {
                RowEvent event = events.get(i);
                if (filtered(event) != null || copyFilter.isPresent() && cascades().cascades(event)) {
                    pending.add(event);
                    pendingBytes += imageBytes(event);
                    pendingPosition = event.position();
                }
                else {
                    skipped++;
                }
            }
            settledEvents += skipped;
            if (!events.isEmpty()) {
                received = events.get(events.size() - 1).position();
            }
            if (!pending.isEmpty()) {
                lag.pending();
            }
            if (batchFull()) {
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
                if (batchFull() || queue.isEmpty()) {
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
            resetSchemas();
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

    private boolean batchFull()
    {
        return pending.size() >= batchSize.getAsInt() || pendingBytes >= MAX_BATCH_BYTES;
    }

    /**
     * The bytes of an event's row images, with a few bytes per value for the rest.
     */
    private static long imageBytes(RowEvent event)
    {
        return rowBytes(event.before()) + rowBytes(event.after());
    }

    private static long rowBytes(Row row)
    {
        if (row == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < row.size(); i++) {
            byte[] value = row.get(i);
            bytes += value == null ? 8 : 8 + value.length;
        }
        return bytes;
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
        List<EventWriter.Change> batch = new ArrayList<>(pending.size());
        List<RowEvent> applied = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            RowEvent original = pending.get(i);
            RowEvent write = filtered(original);
            batch.add(new EventWriter.Change(original, write));
            if (write != null) {
                applied.add(write);
            }
        }
        PositionPair position = pendingPosition;
        List<TableName> locked = List.of();
        if (settings.lockStrategy() == LockStrategy.IN_FERRY) {
            Set<TableName> tables = new LinkedHashSet<>();
            for (int i = 0; i < pending.size(); i++) {
                tables.add(pending.get(i).table().name());
            }
            cascades().addReachable(tables);
            locked = locks.lockForApply(tables);
        }
        try {
            int partLimit = Math.min(writers.length, batch.size() / MIN_EVENTS_PER_PART);
            if (partLimit > 1 && positionStore.isPresent() && replaysInexactly(pending)) {
                // the position is saved with the batch so that a resume applies nothing twice;
                // parts would save it apart from the rows, and these events must not be applied twice
                partLimit = 1;
            }
            List<List<EventWriter.Change>> parts = partLimit <= 1 ? List.of(batch) : partitioner().partition(batch, EventWriter.Change::original, partLimit);
            if (parts.size() == 1) {
                applyWithRetries(writers[0], batch, position, positionStore);
            }
            else {
                applyParts(parts, position);
            }
            partsApplied.add(parts.size());
        }
        finally {
            if (!locked.isEmpty()) {
                locks.unlockForApply(locked);
            }
        }
        batchLatency.recordNanos(System.nanoTime() - start);
        settledEvents += pending.size();
        pending.clear();
        pendingBytes = 0;
        eventsApplied.add(applied.size());
        batchesApplied.add(1);
        // the child rows of the batch's reproduced cascades too: the binlog does not show them
        for (EventWriter writer : writers) {
            writer.drainCascaded(applied);
        }
        verifier.afterEventsApplied(applied);
        advance(position);
        lag.reached(handledSourceMillis);
        setState(ApplierState.APPLIED);
    }

    /**
     * Writes the parts of one batch at the same time, the first on this thread; a part that
     * fails is written again alone (with the configured retries) once the others are done, as
     * they then hold no locks it could wait for. The position is saved after every part committed.
     */
    private void applyParts(List<List<EventWriter.Change>> parts, PositionPair position)
            throws InterruptedException, SQLException
    {
        List<Future<?>> futures = new ArrayList<>(parts.size() - 1);
        for (int p = 1; p < parts.size(); p++) {
            EventWriter writer = writers[p];
            List<EventWriter.Change> part = parts.get(p);
            futures.add(workers.submit(() -> {
                applyOnce(writer, part, position, Optional.empty());
                return null;
            }));
        }
        Throwable[] failures = new Throwable[parts.size()];
        try {
            applyOnce(writers[0], parts.get(0), position, Optional.empty());
        }
        catch (SQLException | RuntimeException e) {
            failures[0] = e;
        }
        try {
            for (int p = 1; p < parts.size(); p++) {
                try {
                    futures.get(p - 1).get();
                }
                catch (ExecutionException e) {
                    failures[p] = e.getCause();
                }
            }
        }
        catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        }
        for (int p = 0; p < parts.size(); p++) {
            Throwable failure = failures[p];
            if (failure == null) {
                continue;
            }
            if (!(failure instanceof SQLException sql)) {
                throw failure instanceof RuntimeException runtime ? runtime : new FerryException("an apply worker failed: " + failure, failure);
            }
            partsRetried.add(1);
            log.debug("part {} of {} of the binlog batch ending at {} failed beside the others ({}); writing it alone", p + 1, parts.size(),
                    position.event(), SqlFailures.describe(sql));
            applyWithRetries(writers[p], parts.get(p), position, Optional.empty());
        }
        if (positionStore.isPresent()) {
            applyWithRetries(writers[0], List.of(), position, positionStore);
        }
    }

    private void applyWithRetries(EventWriter writer, List<EventWriter.Change> batch, PositionPair position, Optional<StateStore> store)
            throws InterruptedException, SQLException
    {
        for (int failures = 0; ; failures++) {
            try {
                applyOnce(writer, batch, position, store);
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

    /**
     * Writes {@code batch} in one target transaction, with the position when {@code store} is given.
     */
    private void applyOnce(EventWriter writer, List<EventWriter.Change> batch, PositionPair position, Optional<StateStore> store)
            throws SQLException
    {
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(false);
            try {
                writer.apply(connection, batch);
                if (store.isPresent()) {
                    store.get().writePosition(connection, position);
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
    }

    /**
     * Without positions saved with the batches, a resume after a crash applies again what was
     * applied since the last checkpoint; says which tables that is not harmless for.
     */
    private void warnAboutInexactReplays()
    {
        List<String> inexact = new ArrayList<>();
        for (TableSchema table : tables.get()) {
            if (partitioner().replaysInexactly(table)) {
                inexact.add(table.name().toString());
            }
        }
        if (!inexact.isEmpty()) {
            log.warn("after a crash, a resume applies again the binlog events since the last checkpoint; for {} moved table(s) without a key or joined "
                    + "by cascading foreign keys that may add rows twice or lose cascaded children ({}{}): for an exact resume use "
                    + "state.type: target-db with writePositionWithBatches: true, or verify after a resume", inexact.size(),
                    String.join(", ", inexact.subList(0, Math.min(5, inexact.size()))), inexact.size() > 5 ? ", ..." : "");
        }
    }

    private boolean replaysInexactly(List<RowEvent> events)
    {
        ApplyPartitioner current = partitioner();
        TableSchema last = null;
        for (int i = 0; i < events.size(); i++) {
            TableSchema table = events.get(i).table();
            if (table != last && current.replaysInexactly(table)) {
                return true;
            }
            last = table;
        }
        return false;
    }

    private Cascades cascades()
    {
        if (cascades == null) {
            cascades = new Cascades(tables.get(), rewrites::apply, settings.tag());
        }
        return cascades;
    }

    private ApplyPartitioner partitioner()
    {
        if (partitioner == null) {
            partitioner = new ApplyPartitioner(tables.get());
        }
        return partitioner;
    }

    /**
     * Forgets statements, foreign keys and partitioning plans after a schema change; the
     * workers are idle then (a statement is handled after a flush).
     */
    private void resetSchemas()
    {
        for (EventWriter writer : writers) {
            writer.reset();
        }
        cascades = null;
        partitioner = null;
    }

    private void setState(ApplierState newState)
    {
        state.set(newState);
        stateChanged = Instant.now();
    }
}
