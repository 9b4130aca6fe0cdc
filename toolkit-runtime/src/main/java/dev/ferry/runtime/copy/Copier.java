package dev.ferry.runtime.copy;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.config.CopyConfig;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.core.RekeyedRows;
import dev.ferry.runtime.core.RunMetrics;
import dev.ferry.runtime.core.RunTuning;
import dev.ferry.runtime.core.TableLocks;
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.sql.StatementTag;
import dev.ferry.runtime.state.RangeState;
import dev.ferry.runtime.state.TableCopyState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The bulk copy: plans every table's key ranges and copies them with {@code copy.concurrency}
 * workers, across tables and across ranges of one table.
 * <p>
 * With renames followed (schema replication on), a table renamed on the source during its copy
 * is copied again under its new name, whole and in {@linkplain TablePlan#resync() resync} mode:
 * its old plan is superseded, and a new plan takes its place in {@link #plans()} and in the state
 * document. The copy notices a rename from the rename log the binlog applier keeps: before each
 * batch, when a statement names a table that is gone, and, because a rename on the source can
 * precede the applier's knowledge of it, once more when a table's copy ends, after the applier
 * caught up with the source. Only then is a table's copy confirmed.
 */
public final class Copier
{
    private static final Logger log = LoggerFactory.getLogger(Copier.class);
    // a renamed table is copied again as one range: its key may differ from the old table's
    private static final RangeState WHOLE_TABLE = new RangeState(null, null, null, false);

    private final CopyConfig config;
    private final DataSource source;
    private final DataSource target;
    private final RewritesConfig rewrites;
    private final Optional<CopyFilter> copyFilter;
    private final CopyContext context;
    private final Optional<TableRenames> renames;
    private final RekeyedRows rekeyed;
    private final List<TablePlan> plans = Collections.synchronizedList(new ArrayList<>());
    // plans that took over a renamed table's copy during the current round, run in the next one
    private final List<TablePlan> followUps = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param renames the rename log the binlog applier fills when it replicates DDL; empty when
     *        DDL is not replicated (renames are then not followed)
     */
    public Copier(CopyConfig config, DataSource source, DataSource target, RewritesConfig rewrites, Optional<CopyFilter> copyFilter,
            Verifier verifier, List<Throttler> throttlers, TableLocks locks, ReplicationBarrier barrier,
            java.util.function.Function<TableName, Optional<TableSchema>> schemas, Optional<TableRenames> renames, RunMetrics metrics)
    {
        this(config, source, target, rewrites, copyFilter, verifier, throttlers, locks, new RekeyedRows(), barrier, schemas, renames, metrics,
                new RunTuning(new RunTuning.Values(config.batchSize(), config.concurrency(), 1, 0), config.concurrency()), StatementTag.NONE);
    }

    /**
     * @param tuning the batch size, concurrency and rows/s cap, which may change while the copy runs
     * @param tag put in front of every statement the copy writes to the target with
     * @param rekeyed where the binlog applier records rows that cascading key updates moved during a table's copy
     */
    public Copier(CopyConfig config, DataSource source, DataSource target, RewritesConfig rewrites, Optional<CopyFilter> copyFilter,
            Verifier verifier, List<Throttler> throttlers, TableLocks locks, RekeyedRows rekeyed, ReplicationBarrier barrier,
            java.util.function.Function<TableName, Optional<TableSchema>> schemas, Optional<TableRenames> renames, RunMetrics metrics, RunTuning tuning,
            StatementTag tag)
    {
        this.config = requireNonNull(config, "config is null");
        this.source = requireNonNull(source, "source is null");
        this.target = requireNonNull(target, "target is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.copyFilter = requireNonNull(copyFilter, "copyFilter is null");
        this.renames = requireNonNull(renames, "renames is null");
        this.rekeyed = requireNonNull(rekeyed, "rekeyed is null");
        this.context = new CopyContext(config, source, target, locks, verifier, throttlers, barrier, schemas, renames, metrics, tuning, tag);
    }

    /**
     * Plans the copy of {@code tables} (in copy order), named as they were where the binlog
     * applier started (renames it applied since are followed). Tables found in {@code resume}
     * continue from their saved ranges and cursors; complete ones are skipped.
     */
    public List<TablePlan> plan(List<TableSchema> tables, Map<TableName, TableCopyState> resume)
            throws SQLException
    {
        RangePlanner planner = new RangePlanner(source, config.rangeSize(), config.concurrency());
        List<TablePlan> result = new ArrayList<>();
        Set<TableName> moved = new HashSet<>();
        for (TableSchema table : tables) {
            moved.add(table.name());
        }
        Set<TableName> reachedThroughOthers = CascadeOrder.reachedThroughOthers(tables);
        for (TableSchema table : tables) {
            Optional<SqlPredicate> predicate = copyFilter.flatMap(filter -> filter.copyPredicate(table));
            RangePlanner.Estimate estimate = planner.estimate(table);
            TableCopyState saved = resume.get(table.name());
            boolean restart = saved != null && !saved.complete() && started(saved) && RekeyedRows.rekeyable(table, moved);
            if (restart) {
                // the rows cascading key updates moved during its copy were recorded in memory only (RekeyedRows)
                log.info("{}: its copy starts again from the beginning: rows that cascading key updates moved before the restart may lie "
                        + "behind its saved cursors", table.name());
            }
            // the rows the applier writes before its copy may have missed cascades (CascadeOrder)
            boolean reached = reachedThroughOthers.contains(table.name());
            List<RangeState> ranges;
            if (restart && saved.resync() && !reached) {
                // a renamed table's resync: one range over whatever now has the name
                ranges = List.of(WHOLE_TABLE);
            }
            else if (saved != null && !restart && !saved.ranges().isEmpty()) {
                ranges = saved.ranges();
            }
            else {
                ranges = planner.plan(table, estimate, predicate);
            }
            boolean resync = reached || saved != null && saved.resync();
            if (reached && (saved == null || !saved.complete())) {
                log.info("{}: copied in resync mode (overwriting and deleting the rows the binlog applier wrote before its copy that differ from the "
                        + "source): reproduced cascades reach its rows through other moved tables' rows", table.name());
            }
            TablePlan plan = new TablePlan(table, rewrites.apply(table.name()), predicate, ranges,
                    new TableProgress(table.name(), estimate.rows(), estimate.bytes()), 0, resync);
            if (saved != null && !restart) {
                plan.progress().copied((int) Math.min(Integer.MAX_VALUE, saved.rowsCopied()), null);
            }
            result.add(plan);
        }
        plans.clear();
        plans.addAll(result);
        // before the binlog applier starts: it records cascades into these tables from then on
        openRekeyable(result);
        return result;
    }

    private static boolean started(TableCopyState saved)
    {
        for (RangeState range : saved.ranges()) {
            if (range.complete() || range.cursor() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Opens, for {@link RekeyedRows}, the tables of {@code toCopy} whose copy is incomplete and
     * whose rows a cascading key update can move in their key order.
     */
    private void openRekeyable(List<TablePlan> toCopy)
    {
        Set<TableName> moved = new HashSet<>();
        synchronized (plans) {
            for (TablePlan plan : plans) {
                moved.add(plan.table().name());
            }
        }
        for (TablePlan plan : toCopy) {
            moved.add(plan.table().name());
        }
        for (TablePlan plan : toCopy) {
            if (!plan.isComplete() && RekeyedRows.rekeyable(plan.table(), moved)) {
                rekeyed.open(plan.table().name());
            }
        }
    }

    /**
     * Every planned table, for status and checkpoints.
     */
    public List<TablePlan> plans()
    {
        synchronized (plans) {
            return List.copyOf(plans);
        }
    }

    /**
     * Copy progress of every table under its current name, for the state document. A table the
     * applier has renamed is listed under its new name even before its copy noticed: with its
     * progress when its copy was confirmed, else as a resync copy from the start. The cursor of the
     * table that had the name before is never carried over to the table that has it now (after
     * {@code RENAME TABLE a TO a_old, a_new TO a} it would skip rows of another table).
     * <p>
     * While a rename is about to run on the target (the state is saved right before it), a
     * renamed table is listed under both names, the new one as a resync from the start (taking
     * over the name from any other table: a resync copies whatever table has the name
     * correctly). A resume copies whichever the target has: the old name if the statement did
     * not run (the replayed statement then renames it, and the copy follows), else the new one.
     */
    public Map<TableName, TableCopyState> snapshot()
    {
        Map<TableName, TableCopyState> result = new LinkedHashMap<>();
        Map<TableName, Integer> seen = new HashMap<>();
        for (TablePlan plan : plans()) {
            TableName name = plan.table().name();
            TableCopyState state = plan.snapshot();
            if (state.complete() && rekeyed.isOpen(name)) {
                // its ranges are done, the rows cascading key updates moved meanwhile are not copied again yet
                state = new TableCopyState(state.ranges(), false, state.rowsCopied(), state.resync());
            }
            int version = plan.renamesSeen();
            TableRenames.Fate fate = renames.isEmpty() ? null : renames.get().fate(name, plan.renamesSeen());
            if (fate != null && fate.gone()) {
                continue;
            }
            if (fate != null && fate.renamed()) {
                name = fate.current();
                version = fate.version();
                state = plan.confirmed() ? state : new TableCopyState(List.of(WHOLE_TABLE), false, 0, true);
            }
            // two plans may name one table while a swap is noticed: the newer identity wins
            Integer previous = seen.get(name);
            if (previous == null || previous <= version) {
                result.put(name, state);
                seen.put(name, version);
            }
        }
        if (renames.isPresent()) {
            Map<TableName, TableCopyState> expected = new LinkedHashMap<>();
            for (Map.Entry<TableName, TableName> rename : renames.get().pending().entrySet()) {
                TableCopyState state = result.get(rename.getKey());
                if (state != null) {
                    expected.put(rename.getValue(), state.complete() ? state : new TableCopyState(List.of(WHOLE_TABLE), false, 0, true));
                }
            }
            result.putAll(expected);
        }
        return result;
    }

    /**
     * Why the copy is throttled right now, or empty.
     */
    public String throttleReason()
    {
        return context.throttleReason();
    }

    /**
     * Stops taking new batches; batches in flight finish or fail, and cursors stay where the last
     * committed batch left them.
     */
    public void stop()
    {
        context.stop();
    }

    /**
     * Copies every incomplete range of {@code plans}, then, in further rounds, the tables renamed
     * during the copy under their new names. A round ends when all its tasks ended: then no copy
     * writes under a renamed table's old name any more, so the copy under its new name is the
     * last to write its rows.
     *
     * @throws CopyException when a table failed; with {@code copy.failOnFirstTableCopyError} at
     *         the first failure, otherwise after every table was attempted, naming all that failed
     */
    public void run(List<TablePlan> toCopy)
            throws InterruptedException
    {
        context.readMaxStatementBytes();
        context.resolveWriteMethod();
        List<TablePlan> round = toCopy;
        while (true) {
            copyRound(round);
            if (context.isStopping()) {
                return;
            }
            synchronized (followUps) {
                round = List.copyOf(followUps);
                followUps.clear();
            }
            if (round.isEmpty()) {
                return;
            }
            log.info("copying {} tables renamed during their copy again under their new names: {}", round.size(),
                    round.stream().map(plan -> plan.table().name().toString()).toList());
        }
    }

    private void copyRound(List<TablePlan> toCopy)
            throws InterruptedException
    {
        CopyContext current = context;
        List<Runnable> tasks = new ArrayList<>();
        Map<TableName, String> failures = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Throwable> causes = Collections.synchronizedList(new ArrayList<>());
        // target sessions run with foreign_key_checks=0: a table waits only for the cascading children
        // it references (CascadeOrder), so that the applier's multi-level cascades find them
        Map<TableName, CountDownLatch> copied = new HashMap<>();
        List<TableSchema> order = new ArrayList<>();
        for (TablePlan plan : toCopy) {
            int incomplete = 0;
            for (int i = 0; i < plan.rangeCount(); i++) {
                incomplete += plan.range(i).complete() ? 0 : 1;
            }
            copied.put(plan.table().name(), new CountDownLatch(incomplete));
            order.add(plan.table());
        }
        Map<TableName, List<TableName>> waits = CascadeOrder.waits(order);
        openRekeyable(toCopy);
        List<CopyTask> queued = new ArrayList<>();
        for (TablePlan plan : toCopy) {
            List<CountDownLatch> parents = new ArrayList<>();
            for (TableName parent : waits.getOrDefault(plan.table().name(), List.of())) {
                parents.add(copied.get(parent));
            }
            CountDownLatch own = copied.get(plan.table().name());
            for (int i = 0; i < plan.rangeCount(); i++) {
                if (plan.range(i).complete()) {
                    continue;
                }
                int range = i;
                plan.taskQueued();
                queued.add(new CopyTask(plan.table().name(), weight(plan), () -> {
                    boolean ended = false;
                    try {
                        for (CountDownLatch parent : parents) {
                            parent.await();
                        }
                        if (current.isStopping()) {
                            return;
                        }
                        plan.progress().started();
                        TableRenames.Fate renamed = plan.table().paginationKey().isFullCopy()
                                ? new FullTableCopier(current, plan).run()
                                : new RangeCopier(current, plan, range).run();
                        if (renamed != null) {
                            followRename(plan, renamed);
                        }
                        ended = true;
                        if (plan.taskEnded()) {
                            if (plan.isComplete()) {
                                log.info("copied {}: {} rows in {} s", plan.table().name(), plan.progress().rowsCopied(),
                                        String.format(java.util.Locale.ROOT, "%.2f", plan.progress().seconds()));
                                if (rekeyed.isOpen(plan.table().name())) {
                                    // before the tables that wait for this one start (their cascades join through it)
                                    new RekeyedRowCopier(current, plan, rekeyed).run();
                                }
                            }
                            confirmCompletion(plan);
                        }
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    catch (RuntimeException e) {
                        // a rekeyable table stays open: the state must not call it complete (the run fails after this round)
                        plan.progress().failed(e.getMessage());
                        failures.putIfAbsent(plan.table().name(), e.getMessage());
                        causes.add(e);
                        log.error("{}", e.getMessage());
                        if (config.failOnFirstTableCopyError()) {
                            current.stop();
                        }
                    }
                    finally {
                        if (!ended) {
                            plan.taskEnded();
                        }
                        own.countDown();
                    }
                }));
            }
        }
        for (CopyTask task : longestFirst(queued, waits)) {
            tasks.add(task.run());
        }
        if (tasks.isEmpty()) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(context.tuning().maxConcurrency(), tasks.size()), runnable -> {
            Thread thread = new Thread(runnable, "ferry-copy-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            // a task only ever waits for tasks queued before it, so the pool cannot deadlock
            for (Runnable task : tasks) {
                workers.execute(task);
            }
            workers.shutdown();
            while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                // wait; interruption propagates
            }
        }
        catch (InterruptedException e) {
            current.stop();
            workers.shutdownNow();
            throw e;
        }
        if (!failures.isEmpty()) {
            List<String> messages;
            synchronized (failures) {
                messages = List.copyOf(failures.values());
            }
            CopyException exception = new CopyException(messages.size() == 1 ? messages.get(0)
                    : messages.size() + " tables failed to copy:\n  - " + String.join("\n  - ", messages), causes.get(0));
            throw exception;
        }
    }

    /**
     * The source may rename a table before the binlog applier gets to the statement, and a copy
     * reading by name meanwhile reads the table that took the name (in a swap, the other table).
     * So a copy that ran to its end is confirmed only once the applier caught up with the source:
     * every rename before the copy's last read is known then.
     */
    private void confirmCompletion(TablePlan plan)
            throws InterruptedException
    {
        if (!context.followsRenames() || context.isStopping() || !plan.isComplete() || plan.superseded()) {
            return;
        }
        try (Connection connection = source.getConnection()) {
            context.barrier().awaitAppliedUpToCurrent(connection);
        }
        catch (SQLException e) {
            throw new CopyException("copying " + plan.table().name() + ": cannot wait for the binlog applier to catch up at the end of its copy: "
                    + e.getMessage(), e);
        }
        TableRenames.Fate fate = context.changedIdentity(plan);
        if (fate == null) {
            plan.confirm();
        }
        else if (fate.renamed()) {
            log.info("{} was renamed to {} on the source as its copy ended, so its last rows may come from the table that took its name; "
                    + "copying it again under its new name", plan.table().name(), fate.current());
            followRename(plan, fate);
        }
    }

    /**
     * Supersedes the copy of a table renamed during its copy by a resync copy of the whole table
     * under its new name, run in the next round. The old plan's cursors are not carried over:
     * the table now under the old name is another one (in a swap, or after
     * {@code RENAME TABLE a TO a_old, a_new TO a}, where the new {@code a} was filled through the
     * binlog), so it is not copied on under that name; if it has a copy of its own, that copy
     * follows it. The renamed table is copied whole because rows read under the old name after
     * the source renamed it may have come from another table, and may have been written to the
     * target table that now has the new name: the resync copy overwrites and deletes them.
     */
    private void followRename(TablePlan plan, TableRenames.Fate fate)
    {
        if (!plan.supersede(fate.current())) {
            return;
        }
        Optional<TableSchema> schema = context.currentSchema(fate.current());
        if (schema.isEmpty()) {
            log.warn("{} was renamed to {} during its copy, a table ferry does not move (outside the table filter, or dropped since); "
                    + "its copy ends", plan.table().name(), fate.current());
            plans.remove(plan);
            return;
        }
        TableSchema table = schema.get();
        long estimate;
        try {
            estimate = new RangePlanner(source, config.rangeSize()).estimateRows(table);
        }
        catch (SQLException e) {
            estimate = plan.progress().estimatedRows();
        }
        TablePlan next = new TablePlan(table, rewrites.apply(table.name()), copyFilter.flatMap(filter -> filter.copyPredicate(table)),
                List.of(WHOLE_TABLE), new TableProgress(table.name(), estimate), fate.version(), true);
        synchronized (plans) {
            int index = plans.indexOf(plan);
            if (index >= 0) {
                plans.set(index, next);
            }
            else {
                plans.add(next);
            }
        }
        followUps.add(next);
    }

    /**
     * A range's copy, queued: its table and its share of the table's estimated work.
     */
    record CopyTask(TableName table, long weight, Runnable run) {}

    /**
     * A range's share of its table's work: the larger of its size estimate and 100 bytes a row,
     * spread over its ranges.
     */
    private static long weight(TablePlan plan)
    {
        long work = Math.max(plan.progress().estimatedBytes(), plan.progress().estimatedRows() * 100);
        return work / Math.max(1, plan.rangeCount());
    }

    /**
     * {@code tasks} in the order the pool runs them: the largest first, so that a big table's
     * ranges start at once and small tables fill the workers it leaves free, instead of the big
     * table starting last and ending the copy alone. A table's tasks still come after every task
     * of the tables it waits for ({@code waits}), so that no task waits for one queued after it.
     */
    static List<CopyTask> longestFirst(List<CopyTask> tasks, Map<TableName, List<TableName>> waits)
    {
        List<CopyTask> remaining = new ArrayList<>(tasks);
        // stable: equal weights keep the copy order
        remaining.sort(Comparator.comparingLong(CopyTask::weight).reversed());
        Map<TableName, Integer> unqueued = new HashMap<>();
        for (CopyTask task : tasks) {
            unqueued.merge(task.table(), 1, Integer::sum);
        }
        List<CopyTask> result = new ArrayList<>(tasks.size());
        while (!remaining.isEmpty()) {
            int next = 0;
            for (int i = 0; i < remaining.size(); i++) {
                boolean ready = true;
                for (TableName parent : waits.getOrDefault(remaining.get(i).table(), List.of())) {
                    if (unqueued.getOrDefault(parent, 0) > 0) {
                        ready = false;
                        break;
                    }
                }
                if (ready) {
                    next = i;
                    break;
                }
            }
            CopyTask task = remaining.remove(next);
            unqueued.merge(task.table(), -1, Integer::sum);
            result.add(task);
        }
        return result;
    }

}
