package dev.ferry.runtime;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.runtime.state.FerryState;
import dev.ferry.runtime.state.TableCopyState;
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
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.CopyConfig;
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
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.schema.TargetTables;
import dev.ferry.runtime.sql.DataSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private static final int SCHEMA_READ_ATTEMPTS = 30;
    private static final int ER_NO_SUCH_TABLE = 1146;
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
    // renames and drops the applier replicated, for the copy to follow renamed tables
    private final TableRenames renames = new TableRenames();
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
    // where a fresh run starts streaming: the position its schemas were read at
    private volatile BinlogPosition startPosition;
    private volatile Map<TableName, String> startCreateStatements = Map.of();
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
            Instant copyStarted = Instant.now();
            copier = new Copier(config.copy(), source, target, config.rewrites(), plugins.copyFilter(), plugins.verifier(),
                    plugins.copyThrottlers(), locks, barrier(), name -> schemas.get(name),
                    config.replication().replicateSchemaChanges() ? Optional.of(renames) : Optional.empty(), metrics);
            List<TablePlan> plans = copier.plan(tables, saved.map(FerryState::tables).orElse(Map.of()));
            // the first state already lists every planned table: a resume tells the tables this
            // run copies from those a replicated DDL created
            startCheckpoints(saved);

            phase.set(FerryPhase.COPYING);
            if (config.copy().delayUntilReplicationStops() && plans.stream().anyMatch(plan -> !plan.isComplete())) {
                return copyAfterReplicationStops(started, copyStarted);
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

    /**
     * Saves the state around a replicated schema change (on the applier thread). Before the state
     * store is set up (the applier may meet a DDL while the first state is being prepared) there
     * is nothing to keep consistent: the first state is written after.
     */
    private void saveStateForSchemaChange()
    {
        Checkpointer current = checkpointer;
        if (current != null) {
            try {
                current.checkpoint();
            }
            catch (RuntimeException e) {
                throw new FerryException("cannot save the state to " + current.describe() + " around a schema change, so it is not applied: "
                        + e.getMessage() + "; fix the state store and resume", e);
            }
        }
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
    private Result copyAfterReplicationStops(Instant started, Instant copyStarted)
            throws InterruptedException
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
        copier = new Copier(config.copy(), source, target, config.rewrites(), plugins.copyFilter(), plugins.verifier(),
                plugins.copyThrottlers(), locks, ReplicationBarrier.NONE, name -> schemas.get(name), Optional.empty(), metrics);
        List<TablePlan> resumedPlans;
        try {
            resumedPlans = copier.plan(current, progress);
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
        target = DataSources.create(config.target(), "target", connections, true, !config.copy().disableForeignKeyChecks(),
                config.copy().writeMethod() != CopyConfig.WriteMethod.INSERT);
        context.attach(source, target);
        plugins.copyThrottlers().forEach(throttler -> throttler.start());
        plugins.replicationThrottlers().forEach(throttler -> throttler.start());
    }

    private void checkSource()
            throws SQLException
    {
        try (Connection connection = source.getConnection()) {
            SourceServer.checkBinlogSettings(connection, config.replication().skipRowImageCheck());
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
        if (saved.isPresent() && config.replication().replicateSchemaChanges()) {
            return prepareResumeWithSchemaReplication(loader, saved.get());
        }
        List<TableSchema> tables = discoverAtStartPosition(loader);
        if (tables.isEmpty()) {
            throw new FerryException("the table filter (tableFilter) accepts no table on the source " + config.source().address()
                    + ": check its databases and tables patterns");
        }
        context.setTables(tables);
        List<TableSchema> ordered = CreationOrder.order(tables, config.copy().tableCreationOrder());
        new TargetTables(loader, target, config.rewrites()).prepare(ordered, startCreateStatements, config.copy().createTargetTables());
        log.info("moving {} tables: {}", ordered.size(), ordered.stream().map(t -> t.name().toString()).toList());
        if (saved.isPresent()) {
            List<String> problems = StateCompatibility.check(saved.get(), config.fingerprint(), fingerprints(ordered), false);
            if (!problems.isEmpty()) {
                throw new StateException("cannot resume from " + stateLocation().orElse("the state") + ":\n  - " + String.join("\n  - ", problems));
            }
        }
        schemas = new SchemaRegistry(ordered);
        schemas.onChange(context::putTable);
        schemas.onRemove(context::removeTable);
        plugins.verifier().start(saved.map(FerryState::verifierState).orElse(null));
        return ordered;
    }

    /**
     * Discovers the source tables and takes the binlog position the run starts streaming from, so
     * that the schemas are exactly those at that position: a DDL between the two reads would
     * otherwise be neither in the schemas nor in the binlog after the position, and the row events
     * after it would decode against the wrong structure. The {@code SHOW CREATE TABLE} statements
     * the target tables are created from are read with them. The schemas are read again after the
     * position; when a table changed or appeared in between, it all starts over.
     */
    private List<TableSchema> discoverAtStartPosition(SchemaLoader loader)
            throws SQLException
    {
        TableDiscovery discovery = new TableDiscovery(loader, plugins.tableFilter(), config.copy(), plugins.copyFilter());
        for (int attempt = 1; ; attempt++) {
            List<TableSchema> tables;
            try {
                tables = discovery.discover();
            }
            catch (SchemaException e) {
                // a table may have been read half before and half after a DDL: only a problem
                // found twice in a row is real
                if (!config.replication().replicateSchemaChanges() || attempt == SCHEMA_READ_ATTEMPTS || sameProblem(discovery, e)) {
                    throw e;
                }
                log.info("the source's schema changed while it was read ({}); reading it again", e.getMessage());
                continue;
            }
            Map<TableName, String> createStatements = new LinkedHashMap<>();
            try {
                if (config.copy().createTargetTables()) {
                    for (TableSchema table : tables) {
                        createStatements.put(table.name(), loader.showCreateTable(table.name()));
                    }
                }
            }
            catch (SQLException e) {
                if (e.getErrorCode() != ER_NO_SUCH_TABLE || attempt == SCHEMA_READ_ATTEMPTS) {
                    throw e;
                }
                log.info("a table was dropped on the source while its schema was read; reading the schemas again");
                pause(attempt);
                continue;
            }
            startCreateStatements = createStatements;
            try (Connection connection = source.getConnection()) {
                startPosition = SourceServer.currentPosition(connection);
            }
            if (!config.replication().replicateSchemaChanges()) {
                return tables;
            }
            if (sameSchemas(discovery, tables)) {
                return tables;
            }
            if (attempt == SCHEMA_READ_ATTEMPTS) {
                throw new FerryException("the source's tables changed every time ferry read them (" + attempt + " attempts): "
                        + "start when the application's schema changes pause");
            }
            log.info("a table changed on the source while its schema was read; reading the schemas again");
            pause(attempt);
        }
    }

    /**
     * Whether reading the schemas again finds exactly {@code tables}; a read that fails on a table
     * caught half-changed counts as a change.
     */
    private static boolean sameSchemas(TableDiscovery discovery, List<TableSchema> tables)
            throws SQLException
    {
        try {
            return fingerprints(discovery.discover()).equals(fingerprints(tables));
        }
        catch (SchemaException e) {
            return false;
        }
    }

    private static boolean sameProblem(TableDiscovery discovery, SchemaException problem)
            throws SQLException
    {
        pause(1);
        try {
            discovery.discover();
            return false;
        }
        catch (SchemaException again) {
            return again.getMessage().equals(problem.getMessage());
        }
    }

    private static void pause(int attempt)
    {
        try {
            Thread.sleep(20L * attempt);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("interrupted", e);
        }
    }

    /**
     * A resume that replays DDL: the target has the structure the source had at the saved resume
     * position (every DDL before it was applied, none after it), while the source may be further
     * ahead, its later DDL still to be replayed from the binlog. So the target decides which tables
     * exist and how the row events after the resume position decode, and neither the source's
     * current tables nor its current columns are imposed on the target:
     * <ul>
     * <li>a table of the saved copy that the target still has continues its copy from its cursors;</li>
     * <li>one the target no longer has was dropped or renamed by a replicated DDL: nothing to copy;</li>
     * <li>a table the target has but the saved copy does not was created by a replicated DDL: its
     * rows come from the binlog, it is only registered for decoding;</li>
     * <li>a source table neither has was created after the resume position: the binlog creates it.</li>
     * </ul>
     *
     * @return the tables whose copy continues, in creation order
     */
    private List<TableSchema> prepareResumeWithSchemaReplication(SchemaLoader loader, FerryState saved)
            throws SQLException
    {
        List<String> problems = StateCompatibility.check(saved, config.fingerprint(), Map.of(), true);
        if (!problems.isEmpty()) {
            throw new StateException("cannot resume from " + stateLocation().orElse("the state") + ":\n  - " + String.join("\n  - ", problems));
        }
        Set<TableName> candidates = new LinkedHashSet<>(saved.tables().keySet());
        candidates.addAll(saved.schemaFingerprints().keySet());
        for (String database : loader.databases()) {
            if (plugins.tableFilter().acceptsDatabase(database)) {
                candidates.addAll(loader.tables(database));
            }
        }
        SchemaLoader targetLoader = new SchemaLoader(target);
        PaginationKeys keys = new PaginationKeys(config.copy(), plugins.copyFilter());
        List<TableSchema> registered = new ArrayList<>();
        List<TableSchema> copied = new ArrayList<>();
        List<TableName> gone = new ArrayList<>();
        List<TableName> ahead = new ArrayList<>();
        for (TableName table : candidates) {
            if (!plugins.tableFilter().acceptsTable(table)) {
                continue;
            }
            Optional<TableSchema> schema = reloadFromTarget(targetLoader, keys, table);
            if (schema.isPresent()) {
                registered.add(schema.get());
                if (saved.tables().containsKey(table)) {
                    copied.add(schema.get());
                }
            }
            else if (saved.tables().containsKey(table)) {
                gone.add(table);
            }
            else if (!saved.schemaFingerprints().containsKey(table)) {
                ahead.add(table);
            }
        }
        if (!gone.isEmpty()) {
            log.info("not copying {}: the target no longer has them (dropped or renamed by replicated DDL before the resume position)", gone);
        }
        if (!ahead.isEmpty()) {
            log.info("not copying {}: created on the source after the resume position, the binlog creates them", ahead);
        }
        if (plugins.copyFilter().isPresent()) {
            List<String> filterProblems = plugins.copyFilter().get().check(copied);
            if (!filterProblems.isEmpty()) {
                throw new SchemaException(String.join("\n  - ", filterProblems));
            }
        }
        Set<TableName> copiedNames = new LinkedHashSet<>();
        copied.forEach(table -> copiedNames.add(table.name()));
        List<TableSchema> ordered = CreationOrder.order(copied, config.copy().tableCreationOrder().stream().filter(copiedNames::contains).toList());
        log.info("resuming the move of {} tables as the target has them at the resume position; copying {}: {}", registered.size(), ordered.size(),
                ordered.stream().map(t -> t.name().toString()).toList());
        context.setTables(registered);
        schemas = new SchemaRegistry(registered);
        schemas.onChange(context::putTable);
        schemas.onRemove(context::removeTable);
        plugins.verifier().start(saved.verifierState());
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
            position = requireNonNull(startPosition, "startPosition is null");
        }
        PositionPair start = PositionPair.at(position);
        streamStart = start;
        if (config.replication().replicateSchemaChanges()) {
            SchemaLoader targetLoader = new SchemaLoader(target);
            PaginationKeys keys = new PaginationKeys(config.copy(), plugins.copyFilter());
            schemaChangeHandler = new SchemaChangeApplier(target, plugins.tableFilter(), config.rewrites(), schemas, renames,
                    name -> reloadFromTarget(targetLoader, keys, name), plugins.verifier(),
                    "skip".equals(config.replication().onUnparseableDdl()), this::saveStateForSchemaChange, metrics);
        }
        BinlogApplier.Settings settings = new BinlogApplier.Settings(config.replication().batchSize(), config.replication().writeRetries(),
                config.replication().retryBackoff(), config.copy().lockStrategy(), 16L << 20);
        applier = new BinlogApplier(settings, target, config.rewrites(), plugins.copyFilter(), plugins.verifier(), plugins.replicationThrottlers(),
                locks, plugins.stateStore(), new SchemaChangeHandler()
                {
                    @Override
                    public boolean apply(String sql, String defaultDatabase, PositionPair position)
                            throws SQLException
                    {
                        return schemaChangeHandler.apply(sql, defaultDatabase, position);
                    }

                    @Override
                    public void settled(PositionPair position)
                    {
                        schemaChangeHandler.settled(position);
                    }
                }, metrics);
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
            BinlogPosition position = SourceServer.currentPosition(connection);
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
            current = SourceServer.currentPosition(connection);
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
            end = SourceServer.currentPosition(connection);
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
