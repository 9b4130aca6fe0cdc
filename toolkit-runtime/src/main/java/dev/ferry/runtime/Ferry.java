package dev.ferry.runtime;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.FerryState;
import dev.ferry.api.model.TableCopyState;
import dev.ferry.api.state.StateStore;
import dev.ferry.runtime.state.Checkpointer;
import dev.ferry.runtime.state.StateCodec;
import dev.ferry.runtime.state.StateCompatibility;
import dev.ferry.runtime.state.StateException;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.apply.BinlogApplier;
import dev.ferry.runtime.apply.SchemaChangeHandler;
import dev.ferry.runtime.binlog.BinlogListener;
import dev.ferry.runtime.binlog.BinlogStreamer;
import dev.ferry.runtime.binlog.BinlogStreamerConfig;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.copy.Copier;
import dev.ferry.runtime.copy.ReplicationBarrier;
import dev.ferry.runtime.copy.TableLocks;
import dev.ferry.runtime.copy.TablePlan;
import dev.ferry.runtime.cutover.HttpHooks;
import dev.ferry.runtime.cutover.SourceReplication;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.ddl.SchemaChangeApplier;
import dev.ferry.runtime.schema.CreationOrder;
import dev.ferry.runtime.schema.PaginationKeys;
import dev.ferry.runtime.schema.SchemaException;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.schema.SchemaRegistry;
import dev.ferry.runtime.schema.TargetTables;
import dev.ferry.runtime.sql.DataSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * One ferry run: connects, checks the source, discovers the tables, prepares the target, starts
 * the binlog tail, copies, waits for the cutover signal (or cuts over automatically), cuts over
 * and verifies.
 */
public final class Ferry
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Ferry.class);
    private static final int EXTRA_CONNECTIONS = 4;
    private static final Duration CAUGHT_UP_POLL = Duration.ofMillis(200);

    /**
     * How a run ended.
     *
     * @param phase {@link FerryPhase#DONE}, {@link FerryPhase#STOPPED} or {@link FerryPhase#FAILED}
     * @param rowsCopied rows written by the copy
     * @param eventsApplied binlog row events applied
     * @param elapsed wall time of the run
     * @param copyElapsed wall time of the copy phase
     * @param verification the verifier's result at cutover
     * @param message one line for the operator
     */
    public record Result(FerryPhase phase, long rowsCopied, long eventsApplied, Duration elapsed, Duration copyElapsed,
            VerificationResult verification, String message)
    {
        public double copyRowsPerSecond()
        {
            double seconds = copyElapsed.toNanos() / 1e9;
            return seconds <= 0 ? 0 : rowsCopied / seconds;
        }
    }

    private final PipelinePlugins plugins;
    private final FerryConfig config;
    private final RuntimePluginContext context;
    private final RuntimeMetrics metrics;
    private final TableLocks locks = new TableLocks();
    private final HttpHooks hooks = new HttpHooks();
    private final AtomicReference<FerryPhase> phase = new AtomicReference<>(FerryPhase.STARTING);
    private final CountDownLatch cutoverRequested = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<Throwable> streamFailure = new AtomicReference<>();
    private volatile Copier copier;
    private volatile BinlogApplier applier;
    private volatile BinlogStreamer streamer;
    private volatile SchemaRegistry schemas;
    private volatile HikariDataSource source;
    private volatile HikariDataSource target;
    private volatile VerificationResult lastVerification = VerificationResult.notRun("not run yet");
    private volatile SchemaChangeHandler schemaChangeHandler = SchemaChangeHandler.IGNORE;
    private volatile Checkpointer checkpointer;
    private volatile FerryState resumed;
    private volatile PositionPair streamStart;
    private volatile Instant startedAt = Instant.now();
    private volatile boolean stateSaved;
    private long lastDowntimeWarning;

    public Ferry(PipelinePlugins plugins, RuntimePluginContext context, RuntimeMetrics metrics)
    {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.config = plugins.config();
        this.context = requireNonNull(context, "context is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    // --- status and control ------------------------------------------------------------------------

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
     * Per-table copy progress, empty before planning.
     */
    public List<TablePlan> tables()
    {
        Copier current = copier;
        return current == null ? List.of() : current.plans();
    }

    public Optional<BinlogApplier> applier()
    {
        return Optional.ofNullable(applier);
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
     * Asks for the cutover; it happens once the copy is done and the applier has caught up.
     */
    public void requestCutover()
    {
        cutoverRequested.countDown();
    }

    /**
     * Asks the run to stop without cutting over: the copy stops at the next batch boundary, the
     * applier applies what it received, and the run ends in {@link FerryPhase#STOPPED}.
     */
    public void requestStop()
    {
        stopRequested.countDown();
        Copier current = copier;
        if (current != null) {
            current.stop();
        }
    }

    // --- the run -------------------------------------------------------------------------------------

    /**
     * Runs the whole move from the start.
     */
    public Result run()
            throws InterruptedException
    {
        return execute(false);
    }

    /**
     * Continues the run saved in the state store: each table's copy after its saved cursors,
     * streaming from the saved resume position.
     *
     * @throws FerryException when the run fails; the state (if a store is configured) is saved
     *         first, so a resume continues from there
     */
    public Result resume()
            throws InterruptedException
    {
        return execute(true);
    }

    private Result execute(boolean resume)
            throws InterruptedException
    {
        Instant started = Instant.now();
        startedAt = started;
        Duration copyElapsed = Duration.ZERO;
        try {
            connect();
            checkSource();
            Optional<FerryState> saved = loadState(resume);
            List<TableSchema> tables = prepare(saved);
            PositionPair start = startStreaming(saved);
            startCheckpoints(saved);

            phase.set(FerryPhase.COPYING);
            Instant copyStarted = Instant.now();
            copier = new Copier(config.copy(), source, target, config.rewrites(), plugins.copyFilter(), plugins.verifier(),
                    plugins.copyThrottlers(), locks, barrier(), name -> schemas.get(name), metrics);
            List<TablePlan> plans = copier.plan(tables, saved.map(FerryState::tables).orElse(Map.of()));
            if (config.copy().delayUntilReplicationStops() && plans.stream().anyMatch(plan -> !plan.isComplete())) {
                return copyAfterReplicationStops(plans, started, copyStarted);
            }
            copier.run(plans);
            copyElapsed = Duration.between(copyStarted, Instant.now());
            checkStreaming();
            if (stopRequested.getCount() == 0) {
                return stopped(started, copyElapsed);
            }
            log.info("copy done: {} rows in {} ({} rows/s); binlog applied up to {}", rowsCopied(), copyElapsed,
                    Math.round(rowsCopied() / Math.max(0.001, copyElapsed.toNanos() / 1e9)), applier.applied().event());

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
            if (!awaitCutoverSignal()) {
                return stopped(started, copyElapsed);
            }
            phase.set(FerryPhase.CUTOVER);
            VerificationResult verification = cutover();
            lastVerification = verification;
            if (verification.failed()) {
                phase.set(FerryPhase.FAILED);
                return new Result(FerryPhase.FAILED, rowsCopied(), eventsApplied(), Duration.between(started, Instant.now()), copyElapsed, verification,
                        "verification at cutover failed: " + verification.message());
            }
            phase.set(FerryPhase.DONE);
            return new Result(FerryPhase.DONE, rowsCopied(), eventsApplied(), Duration.between(started, Instant.now()), copyElapsed, verification,
                    "moved " + tables.size() + " tables from " + start.event() + "; copied " + rowsCopied() + " rows, applied "
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
            finalCheckpoint();
        }
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
        return stateSaved;
    }

    public Instant startedAt()
    {
        return startedAt;
    }

    private Optional<FerryState> loadState(boolean resume)
    {
        Optional<StateStore> store = plugins.stateStore();
        if (store.isEmpty()) {
            if (resume) {
                throw new FerryException("--resume needs a state store: configure state (e.g. state: {type: file, path: /var/lib/ferry/state.json})");
            }
            return Optional.empty();
        }
        store.get().start();
        Optional<String> document = store.get().read();
        if (!resume) {
            if (document.isPresent()) {
                throw new FerryException("a state from an earlier run is stored in " + store.get().describe()
                        + ": resume it with copydb --resume, or move it away to start over (it is never overwritten by a fresh start)");
            }
            return Optional.empty();
        }
        if (document.isEmpty()) {
            throw new FerryException("nothing to resume: " + store.get().describe() + " holds no state; run copydb without --resume to start");
        }
        FerryState state = StateCodec.decode(document.get(), "the state in " + store.get().describe());
        if (FerryPhase.DONE.label().equals(state.phase())) {
            throw new FerryException("the state in " + store.get().describe() + " belongs to a run that finished (cut over at "
                    + (state.position() == null ? "?" : state.position().event()) + "); there is nothing to resume");
        }
        Optional<PositionPair> position = store.get().readPosition();
        if (position.isPresent() && (state.position() == null || position.get().resume().compareTo(state.position().resume()) > 0)) {
            state = new FerryState(state.formatVersion(), state.ferryVersion(), state.configFingerprint(), state.runId(), state.phase(),
                    state.schemaFingerprints(), state.tables(), position.get(), state.verifierState(), state.savedAt());
        }
        if (state.position() == null) {
            throw new StateException("the state in " + store.get().describe() + " has no binlog position (the run stopped before streaming started): "
                    + "move it away and start over");
        }
        resumed = state;
        log.info("resuming from {} saved at {}: binlog from {}", store.get().describe(), state.savedAt(), state.position().resume());
        return Optional.of(state);
    }

    private void startCheckpoints(Optional<FerryState> saved)
    {
        Optional<StateStore> store = plugins.stateStore();
        if (store.isEmpty()) {
            return;
        }
        Map<TableName, TableCopyState> savedTables = saved.map(FerryState::tables).orElse(Map.of());
        Checkpointer.Sources sources = new Checkpointer.Sources(
                () -> phase.get().label(),
                this::schemaFingerprints,
                () -> {
                    Copier current = copier;
                    return current == null ? savedTables : current.snapshot();
                },
                () -> applier == null ? streamStart : applier.applied(),
                plugins.verifier()::saveState);
        checkpointer = new Checkpointer(store.get(), FerryVersion.get(), config.fingerprint(), config.runId(), sources, context.clock());
        checkpointer.checkpoint();
        stateSaved = true;
        checkpointer.start(config.checkpointInterval());
    }

    private Map<TableName, String> schemaFingerprints()
    {
        return fingerprints(schemas.all());
    }

    private void finalCheckpoint()
    {
        Checkpointer current = checkpointer;
        if (current == null) {
            return;
        }
        current.close();
        if (current.checkpointQuietly()) {
            log.info("state saved to {} (phase {}){}", current.describe(), phase.get().label(),
                    phase.get() == FerryPhase.DONE ? "" : "; resume with: ferry copydb --config <file> --resume");
        }
    }

    /**
     * {@code copy.delayUntilReplicationStops}: only replicate until an operator stops the run
     * (e.g. to let the applier bring the target's schema up to date first), then copy with
     * streaming stopped and end; a resume without the option streams again from where the
     * applier stopped and re-applies everything since, which converges because every applied
     * event sets its row's state.
     */
    private Result copyAfterReplicationStops(List<TablePlan> plans, Instant started, Instant copyStarted)
            throws InterruptedException
    {
        log.info("copy.delayUntilReplicationStops: replicating only; the copy starts when replication is stopped (POST /api/stop or SIGTERM)");
        awaitStop();
        shutdownStreaming();
        checkStreaming();
        Map<TableName, TableCopyState> progress = copier.snapshot();
        copier = new Copier(config.copy(), source, target, config.rewrites(), plugins.copyFilter(), plugins.verifier(),
                plugins.copyThrottlers(), locks, ReplicationBarrier.NONE, name -> schemas.get(name), metrics);
        List<TablePlan> resumedPlans;
        try {
            resumedPlans = copier.plan(plans.stream().map(TablePlan::table).toList(), progress);
        }
        catch (SQLException e) {
            throw new FerryException("database error: " + e.getMessage(), e);
        }
        copier.run(resumedPlans);
        return stopped(started, Duration.between(copyStarted, Instant.now()));
    }

    private Result stopped(Instant started, Duration copyElapsed)
    {
        phase.set(FerryPhase.STOPPED);
        return new Result(FerryPhase.STOPPED, rowsCopied(), eventsApplied(), Duration.between(started, Instant.now()), copyElapsed, lastVerification,
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

    private void connect()
    {
        int connections = config.copy().concurrency() + EXTRA_CONNECTIONS;
        source = DataSources.create(config.source(), "source", connections, true, true);
        target = DataSources.create(config.target(), "target", connections, true, !config.copy().disableForeignKeyChecks());
        context.attach(source, target);
        plugins.copyThrottlers().forEach(throttler -> throttler.start());
        plugins.replicationThrottlers().forEach(throttler -> throttler.start());
    }

    private void checkSource()
            throws SQLException
    {
        try (Connection connection = source.getConnection()) {
            BinlogStreamer.checkSource(connection, config.replication().skipRowImageCheck());
            if (SourceReplication.isReplica(connection) && !config.replication().allowReplicaSource()) {
                throw new FerryException("the source " + config.source().address() + " is a replica: its data may lag behind its primary. "
                        + "Move from the primary, or set replication.allowReplicaSource: true (ferry then waits for the replica to catch up "
                        + "before cutover; use copy.lockStrategy: in-ferry on a read-only replica)");
            }
        }
    }

    private List<TableSchema> prepare(Optional<FerryState> saved)
            throws SQLException
    {
        SchemaLoader loader = new SchemaLoader(source);
        List<TableSchema> tables = new TableDiscovery(loader, plugins.tableFilter(), config.copy(), plugins.copyFilter()).discover();
        if (tables.isEmpty()) {
            throw new FerryException("the table filter (tableFilter) accepts no table on the source " + config.source().address()
                    + ": check its databases and tables patterns");
        }
        context.setTables(tables);
        List<TableSchema> ordered = CreationOrder.order(tables, config.copy().tableCreationOrder());
        new TargetTables(loader, target, config.rewrites()).prepare(ordered, config.copy().createTargetTables());
        log.info("moving {} tables: {}", ordered.size(), ordered.stream().map(t -> t.name().toString()).toList());
        if (saved.isPresent()) {
            List<String> problems = StateCompatibility.check(saved.get(), config.fingerprint(), fingerprints(ordered),
                    config.replication().replicateSchemaChanges());
            if (!problems.isEmpty()) {
                throw new StateException("cannot resume from " + stateLocation().orElse("the state") + ":\n  - " + String.join("\n  - ", problems));
            }
        }
        List<TableSchema> registered = ordered;
        if (saved.isPresent() && config.replication().replicateSchemaChanges()) {
            // Row events after the resume position must decode against the structure at that
            // position, which the target has (it applied every DDL up to there); the source may be ahead.
            SchemaLoader targetLoader = new SchemaLoader(target);
            PaginationKeys keys = new PaginationKeys(config.copy(), plugins.copyFilter());
            registered = new java.util.ArrayList<>();
            for (TableSchema table : ordered) {
                registered.add(reloadFromTarget(targetLoader, keys, table.name()).orElse(table));
            }
        }
        schemas = new SchemaRegistry(registered);
        schemas.onChange(context::putTable);
        plugins.verifier().start(saved.map(FerryState::verifierState).orElse(null));
        return ordered;
    }

    private static Map<TableName, String> fingerprints(List<TableSchema> tables)
    {
        Map<TableName, String> result = new LinkedHashMap<>();
        for (TableSchema table : tables) {
            result.put(table.name(), table.fingerprint());
        }
        return result;
    }

    private PositionPair startStreaming(Optional<FerryState> saved)
            throws SQLException
    {
        BinlogPosition position;
        if (saved.isPresent()) {
            position = saved.get().position().resume();
        }
        else {
            try (Connection connection = source.getConnection()) {
                position = BinlogStreamer.currentPosition(connection);
            }
        }
        PositionPair start = PositionPair.at(position);
        streamStart = start;
        if (config.replication().replicateSchemaChanges()) {
            SchemaLoader targetLoader = new SchemaLoader(target);
            PaginationKeys keys = new PaginationKeys(config.copy(), plugins.copyFilter());
            schemaChangeHandler = new SchemaChangeApplier(target, plugins.tableFilter(), config.rewrites(), schemas,
                    name -> reloadFromTarget(targetLoader, keys, name), plugins.verifier(),
                    "skip".equals(config.replication().onUnparseableDdl()), metrics);
        }
        BinlogApplier.Settings settings = new BinlogApplier.Settings(config.replication().batchSize(), config.replication().writeRetries(),
                config.replication().retryBackoff(), config.copy().lockStrategy(), 16L << 20);
        applier = new BinlogApplier(settings, target, config.rewrites(), plugins.copyFilter(), plugins.verifier(), plugins.replicationThrottlers(),
                locks, plugins.stateStore(), (sql, database, at) -> schemaChangeHandler.apply(sql, database, at), metrics);
        applier.start(start);
        BinlogStreamerConfig streamerConfig = new BinlogStreamerConfig(config.source().host(), config.source().port(), config.source().user(),
                config.source().password().orElse(""), config.runId(), config.replication().readRetries(),
                config.replication().retryBackoff(), config.replication().heartbeat(), config.source().connectTimeout(),
                config.replication().skipRowImageCheck());
        streamer = new BinlogStreamer(streamerConfig, schemas::get, schemas::contains, new ApplierListener());
        streamer.start(position);
        log.info("streaming the binlog from {} (server id {})", position, streamer.serverId());
        return start;
    }

    /**
     * A source table's schema as the target has it now (the structure at the applier's binlog
     * position), under the source's name, with its pagination key chosen when it has one.
     */
    private Optional<TableSchema> reloadFromTarget(SchemaLoader targetLoader, PaginationKeys keys, TableName source)
    {
        Optional<TableSchema> loaded;
        try {
            loaded = targetLoader.load(config.rewrites().apply(source));
        }
        catch (SQLException e) {
            throw new FerryException("cannot read the target's schema of " + source + " after a DDL: " + e.getMessage(), e);
        }
        return loaded.map(schema -> {
            TableSchema relabelled = new TableSchema(source, schema.columns(), schema.indexes(), schema.foreignKeys(), schema.paginationKey(), schema.fingerprint());
            try {
                return keys.choose(relabelled);
            }
            catch (SchemaException e) {
                return relabelled.withPaginationKey(PaginationKey.fullCopy());
            }
        });
    }

    private ReplicationBarrier barrier()
    {
        return connection -> {
            BinlogPosition position = BinlogStreamer.currentPosition(connection);
            while (!applier.awaitApplied(position, Duration.ofSeconds(1))) {
                checkStreaming();
            }
        };
    }

    private void checkStreaming()
    {
        Throwable failure = streamFailure.get();
        if (failure != null) {
            throw failure instanceof FerryException ferry ? ferry : new FerryException("binlog streaming failed: " + failure.getMessage(), failure);
        }
        if (applier != null) {
            applier.failure().ifPresent(cause -> {
                throw cause instanceof FerryException ferry ? ferry : new FerryException("the binlog applier failed: " + cause.getMessage(), cause);
            });
        }
    }

    private void awaitStop()
            throws InterruptedException
    {
        while (!stopRequested.await(CAUGHT_UP_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            checkStreaming();
        }
    }

    /**
     * Waits for the cutover command (or none when automatic) and for the applier to be close to
     * the source, so the cutover itself is short. Returns false when a stop came first.
     */
    private boolean awaitCutoverSignal()
            throws InterruptedException, SQLException
    {
        while (true) {
            checkStreaming();
            if (stopRequested.getCount() == 0) {
                return false;
            }
            boolean requested = config.cutover().automatic() || cutoverRequested.getCount() == 0;
            if (requested && caughtUp() && withinExpectedDowntime()) {
                return true;
            }
            if (!requested) {
                cutoverRequested.await(CAUGHT_UP_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            else {
                Thread.sleep(CAUGHT_UP_POLL.toMillis());
            }
        }
    }

    /**
     * Whether the verifier's cutover check would fit in its {@code maxExpectedDowntime}; logs by
     * how much it would not, at most every ten seconds.
     */
    private boolean withinExpectedDowntime()
    {
        Optional<Duration> max = plugins.verifier().maxExpectedDowntime();
        if (max.isEmpty()) {
            return true;
        }
        Duration expected = plugins.verifier().expectedCutoverDuration();
        if (expected.compareTo(max.get()) <= 0) {
            return true;
        }
        long now = System.nanoTime();
        if (now - lastDowntimeWarning > TimeUnit.SECONDS.toNanos(10)) {
            lastDowntimeWarning = now;
            log.warn("holding the cutover: the verifier expects its cutover check to take {} ms, {} ms over maxExpectedDowntime {} ms; "
                    + "waiting for its re-verification backlog to shrink", expected.toMillis(), expected.minus(max.get()).toMillis(), max.get().toMillis());
        }
        return false;
    }

    private boolean caughtUp()
            throws SQLException, InterruptedException
    {
        BinlogPosition current;
        try (Connection connection = source.getConnection()) {
            current = BinlogStreamer.currentPosition(connection);
        }
        return applier.awaitApplied(current, Duration.ofSeconds(1));
    }

    /**
     * Writes have stopped (the before hook told the application): apply up to the source's final
     * position, stop streaming, verify.
     */
    private VerificationResult cutover()
            throws InterruptedException, SQLException
    {
        Instant started = Instant.now();
        if (config.cutover().before() != null) {
            hooks.post("cutover before", config.cutover().before(), "{\"event\":\"cutover-before\"}");
        }
        if (config.replication().allowReplicaSource()) {
            awaitReplicaCaughtUp();
        }
        BinlogPosition end;
        try (Connection connection = source.getConnection()) {
            end = BinlogStreamer.currentPosition(connection);
        }
        if (!applier.awaitApplied(end, config.cutover().catchUpTimeout())) {
            throw new FerryException("cutover: the applier did not reach the source's final position " + end + " within "
                    + config.cutover().catchUpTimeout() + " (cutover.catchUpTimeout); it is at " + applier.applied().event()
                    + ". Check that writes to the source have stopped.");
        }
        shutdownStreaming();
        VerificationResult verification = plugins.verifier().verifyAtCutover();
        log.info("cutover at {} took {} ms: {}", end, Duration.between(started, Instant.now()).toMillis(), verification.message());
        if (config.cutover().after() != null && !verification.failed()) {
            hooks.post("cutover after", config.cutover().after(), "{\"event\":\"cutover-after\",\"binlogFile\":\"" + end.file()
                    + "\",\"binlogOffset\":" + end.offset() + "}");
        }
        return verification;
    }

    private void awaitReplicaCaughtUp()
            throws SQLException, InterruptedException
    {
        Instant deadline = Instant.now().plus(config.cutover().catchUpTimeout());
        while (true) {
            Optional<Duration> lag;
            try (Connection connection = source.getConnection()) {
                lag = SourceReplication.lag(connection, config.replication().replicaLagQuery());
            }
            if (lag.isPresent() && lag.get().compareTo(config.replication().maxReplicaLag()) <= 0) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new FerryException("cutover: the source replica is " + lag.map(Duration::toString).orElse("an unknown time")
                        + " behind its primary after waiting " + config.cutover().catchUpTimeout() + " (replication.maxReplicaLag "
                        + config.replication().maxReplicaLag() + ")");
            }
            Thread.sleep(500);
        }
    }

    private void shutdownStreaming()
            throws InterruptedException
    {
        BinlogStreamer currentStreamer = streamer;
        if (currentStreamer != null) {
            currentStreamer.stop();
        }
        BinlogApplier currentApplier = applier;
        if (currentApplier != null) {
            currentApplier.close();
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
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
    }

    /**
     * Hands the streamer's events to the applier (through its bounded queue).
     */
    private final class ApplierListener
            implements BinlogListener
    {
        @Override
        public void onRowEvents(List<RowEvent> events)
        {
            try {
                applier.onRowEvents(events);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException("interrupted", e);
            }
        }

        @Override
        public void onQuery(String sql, String defaultDatabase, PositionPair position)
        {
            if (!dev.ferry.runtime.ddl.DdlStatements.isSchemaStatement(sql)) {
                return;
            }
            try {
                applier.onStatement(sql, defaultDatabase, position);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException("interrupted", e);
            }
        }

        @Override
        public void onTransactionEnd(PositionPair position)
        {
            try {
                applier.onTransactionEnd(position);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException("interrupted", e);
            }
        }

        @Override
        public void onHeartbeat(PositionPair position)
        {
            try {
                applier.onHeartbeat(position);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException("interrupted", e);
            }
        }

        @Override
        public void onFailure(Throwable failure)
        {
            streamFailure.set(failure);
            log.error("binlog streaming failed: {}", failure.getMessage());
            Copier current = copier;
            if (current != null) {
                current.stop();
            }
        }
    }
}
