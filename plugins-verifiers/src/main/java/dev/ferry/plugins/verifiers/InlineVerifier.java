package dev.ferry.plugins.verifiers;

import dev.ferry.api.FerryException;
import dev.ferry.api.Metrics;
import dev.ferry.api.PluginContext;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.RowBatch;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Fingerprints every copied batch from the bytes in hand and compares it with the target rows
 * read in the copy's own transaction. Differing rows and rows changed by the binlog go into a
 * backlog that a background thread re-verifies every {@code interval}: a key whose rows match
 * leaves it, one that keeps differing stays. {@link #verifyAtCutover()} checks what remains.
 */
final class InlineVerifier
        implements Verifier
{
    private static final int FORMAT = 1;

    private final InlineVerifierConfig config;
    private final PluginContext context;
    private final Plans plans;
    private final Checker checker;
    private final KeyBacklog backlog;
    private final DiffSink backlogSink;
    private final ThreadLocal<RowComparer> comparers;

    private final ReentrantLock roundLock = new ReentrantLock();
    private long measuredKeys;
    private long measuredNanos;
    private volatile double rate;

    private final LongAdder rowsVerified = new LongAdder();
    private final LongAdder keysReverified = new LongAdder();
    private final ConcurrentHashMap<TableName, LongAdder> rowsCopied = new ConcurrentHashMap<>();

    private volatile boolean stopping;
    private volatile Thread worker;
    private volatile VerificationResult current = VerificationResult.notRun("inline: nothing copied yet");
    private Metrics.Gauge backlogGauge;
    private Metrics.Counter rowsCounter;

    InlineVerifier(InlineVerifierConfig config, PluginContext context)
    {
        this.config = requireNonNull(config, "config is null");
        this.context = requireNonNull(context, "context is null");
        this.comparers = ThreadLocal.withInitial(() -> new RowComparer(context::readRows));
        this.plans = new Plans(context, config.comparison());
        this.checker = new Checker(context, config.comparison(), plans);
        this.backlog = new KeyBacklog(config.comparison().maxTrackedKeys());
        this.backlogSink = backlog.sink();
    }

    @Override
    public void start(String savedState)
    {
        List<String> problems = plans.problems();
        if (!problems.isEmpty()) {
            throw new FerryException(String.join("; ", problems));
        }
        if (savedState != null) {
            try {
                if (!(StateJson.parse(savedState) instanceof Map<?, ?> state) || !String.valueOf(FORMAT).equals(String.valueOf(state.get("format")))) {
                    throw new IllegalArgumentException("not an inline verifier state of format " + FORMAT);
                }
                backlog.readJson(state.get("tables"), this::keySize);
            }
            catch (IllegalArgumentException e) {
                throw new FerryException("cannot read the inline verifier's saved state: " + e.getMessage()
                        + "; the state document is kept unchanged, remove its verifier entry to verify from scratch", e);
            }
        }
        for (TablePlan plan : plans.all()) {
            if (!plan.batchesHaveKey()) {
                backlog.addWholeTable(plan.source());
            }
        }
        backlogGauge = context.metrics().gauge("verifier_backlog_keys", "keys waiting for re-verification");
        rowsCounter = context.metrics().counter("verifier_rows_verified", "copied rows verified inline");
        backlogGauge.set(backlog.size());
        Thread thread = new Thread(this::reverifyPeriodically, "ferry-inline-verifier");
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    private int keySize(TableName table)
    {
        return plans.current(table).map(plan -> plan.keyColumns().size()).orElse(-1);
    }

    @Override
    public void afterBatchCopied(RowBatch batch, Connection target)
            throws SQLException
    {
        TablePlan plan = plans.of(batch.table());
        rowsCopied.computeIfAbsent(plan.source(), ignored -> new LongAdder()).add(batch.size());
        if (!plan.batchesHaveKey()) {
            backlog.addWholeTable(plan.source());
            return;
        }
        comparers.get().compareCopied(target, plan, batch.rows(), config.comparison().batchSize(), backlogSink);
        rowsVerified.add(batch.size());
        if (rowsCounter != null) {
            rowsCounter.add(batch.size());
        }
    }

    @Override
    public boolean readsCascadedRows()
    {
        return true;
    }

    @Override
    public void afterEventsApplied(List<RowEvent> events)
    {
        backlog.record(events, plans);
    }

    @Override
    public void afterSchemaChange(TableName table)
    {
        Optional<TablePlan> old = plans.invalidate(table);
        Optional<TablePlan> now = plans.current(table);
        if (old.isEmpty() || now.isEmpty() || !old.get().sameKey(now.get()) || !now.get().batchesHaveKey()) {
            backlog.addWholeTable(table);
        }
    }

    @Override
    public void afterTableReplaced(TableName table)
    {
        // its rows were verified, if at all, under another name, and its recorded keys are another table's
        backlog.addWholeTable(table);
    }

    @Override
    public VerificationResult verifyBeforeCutover()
            throws InterruptedException
    {
        long scanned = config.checkExtraRows() ? scanForExtraRows() : 0;
        try {
            reverifyOnce();
        }
        catch (SQLException e) {
            context.logger(InlineVerifier.class).log(System.Logger.Level.WARNING, "re-verification round failed: {0}", e.getMessage());
        }
        DowntimeEstimate estimate = estimate();
        current = VerificationResult.match("inline: " + rowsVerified.sum() + " copied rows verified"
                + (config.checkExtraRows() ? ", " + scanned + " target keys scanned for extra rows" : "") + "; " + estimate.message());
        return current;
    }

    /**
     * Scans the target's keys of every table for rows the source lacks, {@code concurrency} key
     * ranges at once (a table with a single integer key is split into that many ranges); keys
     * found go to the backlog, which the cutover checks.
     *
     * @return the target keys scanned
     */
    private long scanForExtraRows()
            throws InterruptedException
    {
        List<TablePlan> scanned = new ArrayList<>();
        for (TablePlan plan : plans.all()) {
            if (!plan.keyless() && plan.predicate().isEmpty() && !backlog.wholeTable(plan.source())) {
                scanned.add(plan);
            }
        }
        return KeyRanges.run(KeyRanges.split(checker, scanned, config.concurrency(), this::scanFailed), config.concurrency(), "ferry-inline-verifier-scan",
                range -> checker.findExtraTargetRows(range.plan(), range.start(), range.end(), backlogSink), this::scanFailed);
    }

    private void scanFailed(TablePlan plan, SQLException e)
    {
        if (!plans.changedUnder(plan, e)) {
            throw new FerryException("inline verification could not scan " + plan.target() + " for extra rows: " + e.getMessage(), e);
        }
        // a replicated DDL changed the table under the scan: it is verified whole at cutover
        backlogSink.tableDiffers(plan.source(), "its structure changed during the scan: " + e.getMessage());
    }

    @Override
    public Duration expectedCutoverDuration()
    {
        return estimate().duration();
    }

    @Override
    public Optional<Duration> maxExpectedDowntime()
    {
        return config.maxExpectedDowntime();
    }

    /**
     * The estimate of the cutover check: backlog keys plus the copied rows of tables re-verified
     * whole, at the measured re-verification rate.
     */
    DowntimeEstimate estimate()
    {
        long units = backlog.size();
        for (TableName table : backlog.tables()) {
            if (backlog.wholeTable(table)) {
                LongAdder rows = rowsCopied.get(table);
                units += rows == null ? 0 : rows.sum();
            }
        }
        return new DowntimeEstimate(units, rate, config.maxExpectedDowntime());
    }

    @Override
    public VerificationResult verifyAtCutover()
            throws InterruptedException
    {
        stopWorker();
        roundLock.lockInterruptibly();
        try {
            long started = System.nanoTime();
            long keys = backlog.size();
            Mismatches mismatches = new Mismatches(config.comparison().maxReportedKeys());
            checker.checkBacklog(backlog, mismatches);
            VerificationResult result = mismatches.result(String.format(Locale.ROOT,
                    "inline: all rows match (%d copied rows verified, %d keys re-verified in the background, %d keys and %d whole tables at cutover in %s)",
                    rowsVerified.sum(), keysReverified.sum(), keys, wholeTables(), DowntimeEstimate.format(Duration.ofNanos(System.nanoTime() - started))));
            current = result;
            return result;
        }
        finally {
            roundLock.unlock();
        }
    }

    @Override
    public VerificationResult currentResult()
    {
        VerificationResult result = current;
        if (result.status() == VerificationResult.Status.NOT_RUN) {
            return VerificationResult.notRun(String.format(Locale.ROOT, "inline: %d copied rows verified, %d keys re-verified (%.0f keys/s), %d keys and %d whole tables waiting",
                    rowsVerified.sum(), keysReverified.sum(), rate, backlog.size(), wholeTables()));
        }
        return result;
    }

    @Override
    public String saveState()
    {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("verifier", "inline");
        state.put("tables", backlog.toJson());
        return StateJson.write(state);
    }

    @Override
    public void close()
    {
        try {
            stopWorker();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long wholeTables()
    {
        long count = 0;
        for (TableName table : backlog.tables()) {
            if (backlog.wholeTable(table)) {
                count++;
            }
        }
        return count;
    }

    private void reverifyPeriodically()
    {
        long interval = config.interval().toNanos();
        while (!stopping) {
            try {
                TimeUnit.NANOSECONDS.sleep(interval);
                reverifyOnce();
            }
            catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            }
            catch (SQLException | RuntimeException e) {
                context.logger(InlineVerifier.class).log(System.Logger.Level.WARNING,
                        "re-verification round failed, its keys stay in the backlog: {0}", e.getMessage());
            }
        }
    }

    /**
     * One round over the backlog's current keys; keys recorded meanwhile wait for the next.
     */
    void reverifyOnce()
            throws SQLException, InterruptedException
    {
        roundLock.lockInterruptibly();
        try {
            int batchSize = config.comparison().batchSize();
            for (TableName table : backlog.tables()) {
                if (backlog.wholeTable(table)) {
                    continue;
                }
                Optional<TablePlan> plan = plans.current(table);
                if (plan.isEmpty()) {
                    backlog.remove(table);
                    continue;
                }
                List<Key> keys = backlog.takeAll(table);
                int from = 0;
                try {
                    while (from < keys.size()) {
                        int to = Math.min(keys.size(), from + batchSize);
                        List<Key> chunk = keys.subList(from, to);
                        List<Key> differing = new ArrayList<>();
                        long started = System.nanoTime();
                        checker.compareKeys(plan.get(), chunk, collector(differing));
                        measuredNanos += System.nanoTime() - started;
                        measuredKeys += chunk.size();
                        rate = measuredKeys / (measuredNanos / 1e9);
                        backlog.finish(table, chunk, differing);
                        keysReverified.add(chunk.size());
                        from = to;
                    }
                }
                finally {
                    if (from < keys.size()) {
                        List<Key> rest = keys.subList(from, keys.size());
                        backlog.finish(table, rest, rest);
                    }
                }
            }
        }
        finally {
            roundLock.unlock();
            if (backlogGauge != null) {
                backlogGauge.set(backlog.size());
            }
        }
    }

    private void stopWorker()
            throws InterruptedException
    {
        stopping = true;
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(60));
            worker = null;
        }
    }

    private static DiffSink collector(List<Key> differing)
    {
        return new DiffSink()
        {
            @Override
            public void differs(TableName table, Key key)
            {
                differing.add(key);
            }

            @Override
            public void tableDiffers(TableName table, String reason)
            {
            }
        };
    }
}
