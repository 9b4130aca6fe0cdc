package dev.ferry.runtime.copy;

import dev.ferry.api.Metrics;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.RangeState;
import dev.ferry.api.model.TableCopyState;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.config.CopyConfig;
import dev.ferry.runtime.config.RewritesConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The bulk copy: plans every table's key ranges and copies them with {@code copy.concurrency}
 * workers, across tables and across ranges of one table.
 */
public final class Copier
{
    private static final Logger log = LoggerFactory.getLogger(Copier.class);

    private final CopyConfig config;
    private final DataSource source;
    private final DataSource target;
    private final RewritesConfig rewrites;
    private final Optional<CopyFilter> copyFilter;
    private final CopyContext context;
    private final List<TablePlan> plans = Collections.synchronizedList(new ArrayList<>());

    public Copier(CopyConfig config, DataSource source, DataSource target, RewritesConfig rewrites, Optional<CopyFilter> copyFilter,
            Verifier verifier, List<Throttler> throttlers, TableLocks locks, ReplicationBarrier barrier,
            java.util.function.Function<TableName, Optional<TableSchema>> schemas, Metrics metrics)
    {
        this.config = requireNonNull(config, "config is null");
        this.source = requireNonNull(source, "source is null");
        this.target = requireNonNull(target, "target is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.copyFilter = requireNonNull(copyFilter, "copyFilter is null");
        this.context = new CopyContext(config, source, target, locks, verifier, throttlers, barrier, schemas, metrics);
    }

    /**
     * Plans the copy of {@code tables} (in copy order). Tables found in {@code resume} continue
     * from their saved ranges and cursors; complete ones are skipped.
     */
    public List<TablePlan> plan(List<TableSchema> tables, Map<TableName, TableCopyState> resume)
            throws SQLException
    {
        RangePlanner planner = new RangePlanner(source, config.rangeSize());
        List<TablePlan> result = new ArrayList<>();
        for (TableSchema table : tables) {
            Optional<SqlPredicate> predicate = copyFilter.flatMap(filter -> filter.copyPredicate(table));
            long estimate = planner.estimateRows(table);
            TableCopyState saved = resume.get(table.name());
            List<RangeState> ranges = saved != null && !saved.ranges().isEmpty()
                    ? saved.ranges()
                    : planner.plan(table, estimate, predicate);
            TablePlan plan = new TablePlan(table, rewrites.apply(table.name()), predicate, ranges, new TableProgress(table.name(), estimate));
            if (saved != null) {
                plan.progress().copied((int) Math.min(Integer.MAX_VALUE, saved.rowsCopied()), null);
            }
            result.add(plan);
        }
        plans.clear();
        plans.addAll(result);
        return result;
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
     * Copy progress of every table, for the state document.
     */
    public Map<TableName, TableCopyState> snapshot()
    {
        Map<TableName, TableCopyState> result = new LinkedHashMap<>();
        for (TablePlan plan : plans()) {
            result.put(plan.table().name(), plan.snapshot());
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
     * Copies every incomplete range of {@code plans}.
     *
     * @throws CopyException when a table failed; with {@code copy.failOnFirstTableCopyError} at
     *         the first failure, otherwise after every table was attempted, naming all that failed
     */
    public void run(List<TablePlan> toCopy)
            throws InterruptedException
    {
        CopyContext current = context;
        current.readMaxStatementBytes();
        current.resolveWriteMethod();
        List<Runnable> tasks = new ArrayList<>();
        Map<TableName, String> failures = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Throwable> causes = Collections.synchronizedList(new ArrayList<>());
        Map<TableName, CountDownLatch> copied = copiedLatches(toCopy);
        for (TablePlan plan : toCopy) {
            List<CountDownLatch> parents = parentsCopiedEarlier(plan, toCopy, copied);
            CountDownLatch own = copied.get(plan.table().name());
            for (int i = 0; i < plan.rangeCount(); i++) {
                if (plan.range(i).complete()) {
                    continue;
                }
                int range = i;
                tasks.add(() -> {
                    try {
                        for (CountDownLatch parent : parents) {
                            parent.await();
                        }
                        if (current.isStopping()) {
                            return;
                        }
                        plan.progress().started();
                        if (plan.table().paginationKey().isFullCopy()) {
                            new FullTableCopier(current, plan).run();
                        }
                        else {
                            new RangeCopier(current, plan, range).run();
                        }
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    catch (RuntimeException e) {
                        plan.progress().failed(e.getMessage());
                        failures.putIfAbsent(plan.table().name(), e.getMessage());
                        causes.add(e);
                        log.error("{}", e.getMessage());
                        if (config.failOnFirstTableCopyError()) {
                            current.stop();
                        }
                    }
                    finally {
                        own.countDown();
                    }
                });
            }
        }
        if (tasks.isEmpty()) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(config.concurrency(), tasks.size()), runnable -> {
            Thread thread = new Thread(runnable, "ferry-copy-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            // in copy order: a task only ever waits for tasks queued before it, so the pool cannot deadlock
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
     * One latch per table, open once every range task of the table ended.
     */
    private static Map<TableName, CountDownLatch> copiedLatches(List<TablePlan> toCopy)
    {
        Map<TableName, CountDownLatch> latches = new HashMap<>();
        for (TablePlan plan : toCopy) {
            int incomplete = 0;
            for (int i = 0; i < plan.rangeCount(); i++) {
                incomplete += plan.range(i).complete() ? 0 : 1;
            }
            latches.put(plan.table().name(), new CountDownLatch(incomplete));
        }
        return latches;
    }

    /**
     * With foreign key checks on, the target refuses a row whose parent row is not there yet: a
     * table waits for the tables it references that come before it in the copy (creation) order.
     */
    private List<CountDownLatch> parentsCopiedEarlier(TablePlan plan, List<TablePlan> toCopy, Map<TableName, CountDownLatch> copied)
    {
        if (config.disableForeignKeyChecks()) {
            return List.of();
        }
        List<CountDownLatch> parents = new ArrayList<>();
        for (ForeignKey key : plan.table().foreignKeys()) {
            TableName parent = key.referencedTable();
            if (parent.equals(plan.table().name())) {
                continue;
            }
            for (TablePlan earlier : toCopy) {
                if (earlier == plan) {
                    break;
                }
                if (earlier.table().name().equals(parent)) {
                    parents.add(copied.get(parent));
                }
            }
        }
        return parents;
    }
}
