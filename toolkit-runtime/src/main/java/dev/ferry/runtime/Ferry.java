package dev.ferry.runtime;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.runtime.state.FerryState;
import dev.ferry.api.model.PositionPair;
import dev.ferry.runtime.state.TableCopyState;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.apply.BinlogApplier;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.copy.Copier;
import dev.ferry.runtime.copy.ReplicationBarrier;
import dev.ferry.runtime.copy.TablePlan;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.core.RunSignals;
import dev.ferry.runtime.core.RunTuning;
import dev.ferry.runtime.cutover.CutoverSequence;
import dev.ferry.runtime.replication.Replication;
import dev.ferry.runtime.schema.SchemaRegistry;
import dev.ferry.runtime.state.Checkpointer;
import dev.ferry.runtime.state.CheckpointStatus;
import dev.ferry.runtime.state.Checkpoints;
import dev.ferry.runtime.state.ResumePlanner;
import dev.ferry.runtime.verify.TargetWatchSetup;
import dev.ferry.runtime.verify.TargetWriteWatch;
import dev.ferry.runtime.verify.TargetWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * One ferry run, as a machine of {@link FerryPhase phases}: connects, checks the source, plans
 * the tables, starts the binlog tail, copies, waits for the cutover signal (or cuts over
 * automatically), cuts over and verifies. {@link RunAssembly} wires the stages.
 */
public final class Ferry
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Ferry.class);
    private static final Duration STOP_POLL = Duration.ofMillis(200);

    private final PipelinePlugins plugins;
    private final FerryConfig config;
    private final RuntimePluginContext context;
    private final RuntimeMetrics metrics;
    private final RunAssembly assembly;
    private final RunSignals signals = new RunSignals();
    private final RunTuning tuning;
    private final Checkpoints checkpoints = new Checkpoints();
    private final AtomicReference<FerryPhase> phase = new AtomicReference<>(FerryPhase.STARTING);
    private volatile RunAssembly.Databases databases;
    private volatile SchemaRegistry schemas;
    private volatile Replication replication;
    private volatile TargetWriteWatch watch;
    private volatile Copier copier;
    private volatile VerificationResult lastVerification = VerificationResult.notRun("not run yet");
    private volatile Instant startedAt = Instant.now();

    public Ferry(PipelinePlugins plugins, RuntimePluginContext context, RuntimeMetrics metrics)
    {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.config = plugins.config();
        this.context = requireNonNull(context, "context is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.tuning = new RunTuning(new RunTuning.Values(config.copy().batchSize(), config.copy().concurrency(), config.replication().batchSize(), 0),
                config.copy().concurrency());
        this.assembly = new RunAssembly(plugins, context, metrics, tuning);
    }

    public FerryPhase phase()
    {
        return phase.get();
    }

    public FerryConfig config()
    {
        return config;
    }

    public RuntimeMetrics metrics()
    {
        return metrics;
    }

    public PipelinePlugins plugins()
    {
        return plugins;
    }

    /**
     * The settings an operator may change while the run runs, and the built-in pausers.
     */
    public RunTuning tuning()
    {
        return tuning;
    }

    /**
     * Per-table copy progress, empty before planning.
     */
    public List<TablePlan> tables()
    {
        Copier current = copier;
        return current == null ? List.of() : current.plans();
    }

    public Optional<BinlogApplier> applier()
    {
        return Optional.ofNullable(replication).map(Replication::applier);
    }

    public Optional<Copier> copier()
    {
        return Optional.ofNullable(copier);
    }

    public VerificationResult lastVerification()
    {
        return lastVerification;
    }

    /**
     * Whether the target's binlog is watched for writes by others ({@code verifier.watchTargetWrites}),
     * and why not; known once the run connected.
     */
    public TargetWatchSetup targetWatchSetup()
    {
        return assembly.watchSetup();
    }

    /**
     * What the watch of the target's binlog found so far; empty when the target is not watched
     * or the watch has not started.
     */
    public Optional<TargetWrites> targetWrites()
    {
        return Optional.ofNullable(watch).map(TargetWriteWatch::snapshot);
    }

    /**
     * Where the state is kept, for messages; empty without a state store.
     */
    public Optional<String> stateLocation()
    {
        return plugins.stateStore().map(StateStore::describe);
    }

    /**
     * Whether this run wrote its state at least once, so a resume can continue it.
     */
    public boolean stateSaved()
    {
        return checkpoints.saved();
    }

    /**
     * How saving the state goes; empty without a state store or before the first save.
     */
    public Optional<CheckpointStatus> checkpointStatus()
    {
        return checkpoints.status();
    }

    public Instant startedAt()
    {
        return startedAt;
    }

    /**
     * Asks for the cutover; it happens once the copy is done and the applier has caught up.
     */
    public void requestCutover()
    {
        signals.requestCutover();
    }

    /**
     * Asks the run to stop without cutting over: the copy stops at the next batch boundary, the
     * applier applies what it received, and the run ends in {@link FerryPhase#STOPPED}.
     */
    public void requestStop()
    {
        signals.requestStop();
        stopCopy();
    }

    // --- the run -------------------------------------------------------------------------------------

    /**
     * Runs the whole move from the start.
     */
    public RunResult run()
            throws InterruptedException
    {
        return execute(ResumePlanner.Start.FRESH);
    }

    /**
     * Continues the run saved in the state store: each table's copy after its saved cursors,
     * streaming from the saved resume position.
     *
     * @throws FerryException when the run fails; the state (if a store is configured) is saved
     *         first, so a resume continues from there
     */
    public RunResult resume()
            throws InterruptedException
    {
        return execute(ResumePlanner.Start.RESUME);
    }

    /**
     * Continues the run saved in the state store when there is one, else starts one: the command
     * line a supervisor restarts after any failure. A saved run that finished ends at once, in
     * {@link FerryPhase#DONE}, without touching anything.
     */
    public RunResult runOrResume()
            throws InterruptedException
    {
        return execute(ResumePlanner.Start.AUTO);
    }

    private RunResult execute(ResumePlanner.Start mode)
            throws InterruptedException
    {
        Instant started = Instant.now();
        startedAt = started;
        Duration copyElapsed = Duration.ZERO;
        try {
            databases = assembly.connect();
            assembly.checkSource(databases);
            Optional<FerryState> saved = ResumePlanner.load(plugins.stateStore(), mode);
            saved.map(FerryState::tuning).ifPresent(tuning::restore);
            String where = stateLocation().orElse("the state");
            if (saved.isPresent() && ResumePlanner.finished(saved.get(), config.fingerprint(), where)) {
                phase.set(FerryPhase.DONE);
                return new RunResult(FerryPhase.DONE, 0, 0, Duration.between(started, Instant.now()), Duration.ZERO,
                        VerificationResult.notRun("finished by an earlier run"), "the run saved in " + where + " finished already; nothing to do");
            }
            if (saved.isPresent()) {
                assembly.checkResumePosition(databases, saved.get(), where);
            }
            // before the run writes anything to the target
            BinlogPosition targetNow = assembly.targetWatchStart(databases);
            RunAssembly.Plan plan = assembly.plan(databases, saved);
            schemas = plan.schemas();
            Optional<RunAssembly.TargetWatch> targetWatch = assembly.targetWatch(databases, schemas, saved, targetNow, this::stopCopy);
            watch = targetWatch.map(RunAssembly.TargetWatch::watch).orElse(null);
            replication = assembly.replication(databases, schemas, checkpoints, this::stopCopy, Optional.ofNullable(watch));
            copier = assembly.copier(databases, schemas, replication::awaitAppliedUpToCurrent, config.replication().replicateSchemaChanges());
            List<TablePlan> plans = copier.plan(plan.tables(), saved.map(FerryState::tables).orElse(Map.of()));
            // started first, so that the first state holds where the watch reads from
            if (targetWatch.isPresent()) {
                targetWatch.get().watch().start(targetWatch.get().from());
            }
            // saved before the first row reaches the target, so a kill at any moment restarts with
            // the same command line; it lists every planned table (docs/consistency.md)
            startCheckpoints(saved, plan.streamFrom());
            PositionPair start = replication.start(plan.streamFrom());
            Instant copyStarted = Instant.now();

            phase.set(FerryPhase.COPYING);
            if (config.copy().delayUntilReplicationStops() && plans.stream().anyMatch(p -> !p.isComplete())) {
                return copyAfterReplicationStops(started, copyStarted);
            }
            copier.run(plans);
            copyElapsed = Duration.between(copyStarted, Instant.now());
            checkStreaming();
            if (signals.stopRequested()) {
                return stopped(started, copyElapsed);
            }
            log.info("copy done: {} rows in {} ({} rows/s); binlog applied up to {}", rowsCopied(), copyElapsed,
                    Math.round(rowsCopied() / Math.max(0.001, copyElapsed.toNanos() / 1e9)), replication.applied().event());

            lastVerification = plugins.verifier().verifyBeforeCutover();
            if (lastVerification.failed()) {
                throw new FerryException("verification before cutover failed: " + lastVerification.message());
            }
            phase.set(FerryPhase.WAITING_FOR_CUTOVER);
            if (config.cutover().disabled()) {
                log.info("cutover is disabled (cutover.disabled): replicating until stopped");
                awaitStop();
                return stopped(started, copyElapsed);
            }
            if (!config.cutover().automatic()) {
                log.info("copy done and replication running; waiting for the cutover command (POST /api/cutover on the control server)");
            }
            CutoverSequence cutover = assembly.cutover(databases, signals, replication, Optional.ofNullable(watch));
            if (!cutover.awaitSignal()) {
                return stopped(started, copyElapsed);
            }
            phase.set(FerryPhase.CUTOVER);
            VerificationResult verification = cutover.run();
            lastVerification = verification;
            if (verification.failed()) {
                phase.set(FerryPhase.FAILED);
                return new RunResult(FerryPhase.FAILED, rowsCopied(), eventsApplied(), Duration.between(started, Instant.now()), copyElapsed, verification,
                        "verification at cutover failed: " + verification.message());
            }
            phase.set(FerryPhase.DONE);
            return new RunResult(FerryPhase.DONE, rowsCopied(), eventsApplied(), Duration.between(started, Instant.now()), copyElapsed, verification,
                    "moved " + plan.tables().size() + " tables from " + start.event() + "; copied " + rowsCopied() + " rows, applied "
                            + eventsApplied() + " binlog events; " + verification.message());
        }
        catch (SQLException e) {
            phase.set(FerryPhase.FAILED);
            throw new FerryException("database error: " + e.getMessage(), e);
        }
        catch (RuntimeException | InterruptedException e) {
            phase.set(FerryPhase.FAILED);
            throw e;
        }
        finally {
            shutdownStreaming();
            checkpoints.finish(phase.get());
        }
    }

    /** Applies values validated by {@code TuningRequest}; saved from the next checkpoint on, so a resume keeps them. */
    public void tune(RunTuning.Values values)
    {
        tuning.set(values);
    }

    private void startCheckpoints(Optional<FerryState> saved, PositionPair streamFrom)
    {
        Optional<StateStore> store = plugins.stateStore();
        if (store.isEmpty()) {
            return;
        }
        Map<TableName, TableCopyState> savedTables = saved.map(FerryState::tables).orElse(Map.of());
        Checkpointer.Sources sources = new Checkpointer.Sources(
                () -> phase.get().label(),
                () -> SchemaRegistry.fingerprints(schemas.all()),
                () -> Optional.ofNullable(copier).map(Copier::snapshot).orElse(savedTables),
                () -> Optional.ofNullable(replication.applied()).orElse(streamFrom),
                plugins.verifier()::saveState,
                tuning::changedValues,
                () -> Optional.ofNullable(watch).map(TargetWriteWatch::saveState).orElse(null));
        checkpoints.start(assembly.checkpointer(store.get(), sources), config.checkpointInterval());
    }

    /**
     * {@code copy.delayUntilReplicationStops}: only replicate until an operator stops the run
     * (e.g. to let the applier bring the target's schema up to date first), then copy with
     * streaming stopped and end; a resume without the option streams again from where the
     * applier stopped and re-applies everything since, which converges because every applied
     * event sets its row's state.
     */
    private RunResult copyAfterReplicationStops(Instant started, Instant copyStarted)
            throws InterruptedException, SQLException
    {
        log.info("copy.delayUntilReplicationStops: replicating only; the copy starts when replication is stopped (POST /api/stop or SIGTERM)");
        awaitStop();
        shutdownStreaming();
        checkStreaming();
        // under the names the tables have now: streaming stopped, so no rename comes any more
        Map<TableName, TableCopyState> progress = copier.snapshot();
        List<TableSchema> current = new ArrayList<>();
        for (TableName name : progress.keySet()) {
            schemas.get(name).ifPresent(current::add);
        }
        copier = assembly.copier(databases, schemas, ReplicationBarrier.NONE, false);
        copier.run(copier.plan(current, progress));
        return stopped(started, Duration.between(copyStarted, Instant.now()));
    }

    private RunResult stopped(Instant started, Duration copyElapsed)
    {
        phase.set(FerryPhase.STOPPED);
        return new RunResult(FerryPhase.STOPPED, rowsCopied(), eventsApplied(), Duration.between(started, Instant.now()), copyElapsed, lastVerification,
                "stopped on request before cutover");
    }

    private long rowsCopied()
    {
        return metrics.counter("copy_rows", "rows copied to the target").value();
    }

    private long eventsApplied()
    {
        return metrics.counter("apply_events", "binlog row events applied to the target").value();
    }

    private void stopCopy()
    {
        Optional.ofNullable(copier).ifPresent(Copier::stop);
    }

    private void checkStreaming()
    {
        Optional.ofNullable(replication).ifPresent(Replication::checkHealthy);
        Optional.ofNullable(watch).ifPresent(TargetWriteWatch::checkHealthy);
    }

    private void awaitStop()
            throws InterruptedException
    {
        while (!signals.awaitStopRequest(STOP_POLL)) {
            checkStreaming();
        }
    }

    private void shutdownStreaming()
            throws InterruptedException
    {
        Replication current = replication;
        if (current != null) {
            current.stop();
        }
        TargetWriteWatch currentWatch = watch;
        if (currentWatch != null) {
            currentWatch.stop();
        }
    }

    @Override
    public void close()
    {
        try {
            shutdownStreaming();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        plugins.verifier().close();
        plugins.copyThrottlers().forEach(throttler -> throttler.close());
        plugins.replicationThrottlers().forEach(throttler -> throttler.close());
        plugins.stateStore().ifPresent(store -> store.close());
        RunAssembly.Databases current = databases;
        if (current != null) {
            current.close();
        }
    }
}
