package dev.ferry.plugins.verifiers;

import dev.ferry.api.FerryException;
import dev.ferry.api.PluginContext;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * {@link #verifyBeforeCutover()} compares every row of every table, {@code concurrency} tables or
 * key ranges at once, while {@link #afterEventsApplied} records the keys the binlog changes.
 * Rows found different are not reported then (they may still be changing) but kept with the
 * recorded keys; {@link #verifyAtCutover()} re-verifies exactly those.
 */
final class IterativeVerifier
        implements Verifier
{
    private static final int FORMAT = 1;

    private final IterativeVerifierConfig config;
    private final PluginContext context;
    private final Plans plans;
    private final Checker checker;
    private final KeyBacklog backlog;

    private volatile boolean recording;
    private volatile boolean passDone;
    private final LongAdder passRows = new LongAdder();
    private volatile long passStarted;
    private volatile long passNanos;
    private volatile double passRate;
    private volatile VerificationResult current = VerificationResult.notRun("iterative: waiting for the copy to finish");

    IterativeVerifier(IterativeVerifierConfig config, PluginContext context)
    {
        this.config = requireNonNull(config, "config is null");
        this.context = requireNonNull(context, "context is null");
        this.plans = new Plans(context, config.comparison());
        this.checker = new Checker(context, config.comparison(), plans);
        this.backlog = new KeyBacklog(config.comparison().maxTrackedKeys());
    }

    @Override
    public void start(String savedState)
    {
        List<String> problems = plans.problems();
        if (!problems.isEmpty()) {
            throw new FerryException(String.join("; ", problems));
        }
        if (savedState == null) {
            return;
        }
        try {
            if (!(StateJson.parse(savedState) instanceof Map<?, ?> state) || !String.valueOf(FORMAT).equals(String.valueOf(state.get("format")))) {
                throw new IllegalArgumentException("not an iterative verifier state of format " + FORMAT);
            }
            if (Boolean.TRUE.equals(state.get("passDone"))) {
                backlog.readJson(state.get("tables"), this::keySize);
                passDone = true;
                recording = true;
            }
        }
        catch (IllegalArgumentException e) {
            throw new FerryException("cannot read the iterative verifier's saved state: " + e.getMessage()
                    + "; the state document is kept unchanged, remove its verifier entry to verify from scratch", e);
        }
    }

    private int keySize(TableName table)
    {
        return plans.current(table).map(plan -> plan.keyColumns().size()).orElse(-1);
    }

    @Override
    public boolean readsCascadedRows()
    {
        return true;
    }

    @Override
    public void afterEventsApplied(List<RowEvent> events)
    {
        if (recording) {
            backlog.record(events, plans);
        }
    }

    @Override
    public void afterSchemaChange(TableName table)
    {
        Optional<TablePlan> old = plans.invalidate(table);
        Optional<TablePlan> now = plans.current(table);
        if (recording && (old.isEmpty() || now.isEmpty() || !old.get().sameKey(now.get()))) {
            backlog.addWholeTable(table);
        }
    }

    @Override
    public void afterTableReplaced(TableName table)
    {
        // the pass, if still to come, compares the table as it now is
        if (recording) {
            backlog.addWholeTable(table);
        }
    }

    @Override
    public VerificationResult verifyBeforeCutover()
            throws InterruptedException
    {
        recording = true;
        passDone = false;
        runPass(backlog.sink());
        passDone = true;
        // rows that differed may have been caught mid-change: look once more, keep what still differs
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
            List<Key> differing = new ArrayList<>();
            boolean compared = false;
            try {
                checker.compareKeys(plan.get(), keys, collector(differing));
                compared = true;
            }
            catch (SQLException e) {
                context.logger(IterativeVerifier.class).log(System.Logger.Level.WARNING,
                        "re-verification of {0} failed, its keys stay for the cutover: {1}", table, e.getMessage());
            }
            finally {
                backlog.finish(table, keys, compared ? differing : keys);
            }
        }
        current = VerificationResult.match(passSummary() + "; " + pendingSummary() + " to re-verify at cutover");
        return current;
    }

    @Override
    public Duration expectedCutoverDuration()
    {
        double rate = passRate;
        long keys = backlog.size();
        if (!passDone || rate <= 0 || keys == 0) {
            return Duration.ZERO;
        }
        return new DowntimeEstimate(keys, rate, Optional.empty()).duration();
    }

    @Override
    public VerificationResult verifyAtCutover()
            throws InterruptedException
    {
        Mismatches mismatches = new Mismatches(config.comparison().maxReportedKeys());
        String summary;
        if (!passDone) {
            runPass(mismatches);
            summary = passSummary() + " at cutover";
        }
        else {
            long started = System.nanoTime();
            String pending = pendingSummary();
            checker.checkBacklog(backlog, mismatches);
            summary = passSummary() + "; re-verified " + pending + " at cutover in " + DowntimeEstimate.format(Duration.ofNanos(System.nanoTime() - started));
        }
        VerificationResult result = mismatches.result("iterative: all rows match (" + summary + ")");
        current = result;
        return result;
    }

    @Override
    public VerificationResult currentResult()
    {
        if (passStarted != 0 && !passDone && current.status() == VerificationResult.Status.NOT_RUN) {
            long rows = passRows.sum();
            double seconds = (System.nanoTime() - passStarted) / 1e9;
            return VerificationResult.notRun(String.format(Locale.ROOT, "iterative pass running: %d rows verified (%.0f rows/s)", rows, seconds > 0 ? rows / seconds : 0.0));
        }
        return current;
    }

    @Override
    public String saveState()
    {
        if (!passDone) {
            return null;
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("verifier", "iterative");
        state.put("passDone", true);
        state.put("tables", backlog.toJson());
        return StateJson.write(state);
    }

    private void runPass(DiffSink sink)
            throws InterruptedException
    {
        List<TablePlan> tables = plans.all();
        passRows.reset();
        passStarted = System.nanoTime();
        KeyRanges.Failure failure = (plan, e) -> {
            if (!plans.changedUnder(plan, e)) {
                throw new FerryException("iterative verification of table " + plan.source() + " failed: " + e.getMessage(), e);
            }
            // the table changed under the pass: verify it whole at cutover instead
            sink.tableDiffers(plan.source(), "its structure changed during verification: " + e.getMessage());
        };
        KeyRanges.run(KeyRanges.split(checker, tables, config.concurrency(), failure), config.concurrency(), "ferry-iterative-verifier", range -> {
            long rows = checker.compareTable(range.plan(), range.start(), range.end(), sink);
            passRows.add(rows);
            return rows;
        }, failure);
        passNanos = System.nanoTime() - passStarted;
        long rows = passRows.sum();
        passRate = passNanos > 0 ? rows / (passNanos / 1e9) : 0;
    }

    private String passSummary()
    {
        return String.format(Locale.ROOT, "iterative pass: %d rows in %s (%.0f rows/s)",
                passRows.sum(), DowntimeEstimate.format(Duration.ofNanos(passNanos)), passRate);
    }

    private String pendingSummary()
    {
        long keys = backlog.size();
        long whole = 0;
        for (TableName table : backlog.tables()) {
            if (backlog.wholeTable(table)) {
                whole++;
            }
        }
        return keys + (keys == 1 ? " key" : " keys") + (whole == 0 ? "" : " and " + whole + (whole == 1 ? " whole table" : " whole tables"));
    }

    private static DiffSink collector(List<Key> differing)
    {
        return new DiffSink()
        {
            @Override
            public synchronized void differs(TableName table, Key key)
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
