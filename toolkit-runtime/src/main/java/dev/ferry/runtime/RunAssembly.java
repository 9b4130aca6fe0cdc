package dev.ferry.runtime;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.runtime.apply.BinlogApplier;
import dev.ferry.runtime.apply.LagClock;
import dev.ferry.runtime.apply.SchemaChangeHandler;
import dev.ferry.runtime.binlog.BinlogStreamerConfig;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.CopyConfig;
import dev.ferry.runtime.config.DatabaseConfig;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.config.ReplicationConfig;
import dev.ferry.runtime.copy.Copier;
import dev.ferry.runtime.copy.ReplicationBarrier;
import dev.ferry.runtime.core.FerryVersion;
import dev.ferry.runtime.core.RekeyedRows;
import dev.ferry.runtime.core.RunSignals;
import dev.ferry.runtime.core.RunTuning;
import dev.ferry.runtime.core.TableLocks;
import dev.ferry.runtime.cutover.CutoverSequence;
import dev.ferry.runtime.cutover.SourceReplication;
import dev.ferry.runtime.ddl.SchemaChangeApplier;
import dev.ferry.runtime.objects.ObjectMover;
import dev.ferry.runtime.preflight.Preflight;
import dev.ferry.runtime.replication.Replication;
import dev.ferry.runtime.schema.DiscoveryPlanner;
import dev.ferry.runtime.schema.PaginationKeys;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.schema.SchemaRegistry;
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.schema.TargetSchemas;
import dev.ferry.runtime.sql.DataSources;
import dev.ferry.runtime.sql.StatementTag;
import dev.ferry.runtime.state.Checkpointer;
import dev.ferry.runtime.state.FerryState;
import dev.ferry.runtime.state.ResumePlanner;
import dev.ferry.runtime.state.StateException;
import dev.ferry.runtime.state.StateSaver;
import dev.ferry.runtime.state.TargetWritesState;
import dev.ferry.runtime.verify.TargetWatchSetup;
import dev.ferry.runtime.verify.TargetWriteWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Wires the stages of one run from its config and plugins: every stage receives the
 * collaborators it needs here, so no stage calls back into {@link Ferry}. The in-ferry table
 * locks and the rename log are shared by the copy and the replication of the run.
 */
final class RunAssembly
{
    private static final Logger log = LoggerFactory.getLogger(RunAssembly.class);
    private static final int EXTRA_CONNECTIONS = 4;
    // the largest statement the applier builds for one batch
    private static final long MAX_APPLY_STATEMENT_BYTES = 16L << 20;

    /**
     * The run's connection pools.
     */
    record Databases(HikariDataSource source, HikariDataSource target)
            implements AutoCloseable
    {
        Databases
        {
            requireNonNull(source, "source is null");
            requireNonNull(target, "target is null");
        }

        @Override
        public void close()
        {
            source.close();
            target.close();
        }
    }

    /**
     * The watch of the target's binlog and where it starts reading.
     */
    record TargetWatch(TargetWriteWatch watch, BinlogPosition from)
    {
        TargetWatch
        {
            requireNonNull(watch, "watch is null");
            requireNonNull(from, "from is null");
        }
    }

    /**
     * What a run moves.
     *
     * @param tables the tables to copy, in creation order
     * @param streamFrom where streaming starts ({@code resume}), and up to where its events were
     *        applied already ({@code event}: a resume in the middle of a transaction)
     * @param schemas the registry the binlog decodes with
     */
    record Plan(List<TableSchema> tables, PositionPair streamFrom, SchemaRegistry schemas)
    {
        Plan
        {
            tables = List.copyOf(requireNonNull(tables, "tables is null"));
            requireNonNull(streamFrom, "streamFrom is null");
            requireNonNull(schemas, "schemas is null");
        }
    }

    private final PipelinePlugins plugins;
    private final FerryConfig config;
    private final RuntimePluginContext context;
    private final RuntimeMetrics metrics;
    private final TableLocks locks = new TableLocks();
    private final RekeyedRows rekeyed = new RekeyedRows();
    private final RunTuning tuning;
    private final StatementTag tag;
    // whether the target's binlog is watched for writes by others; asked when connecting
    private volatile TargetWatchSetup watchSetup = TargetWatchSetup.off();
    // renames and drops the applier replicated, for the copy to follow renamed tables
    private final TableRenames renames = new TableRenames();
    // the run's schema objects: views and routines at start, all of them at cutover
    private ObjectMover objects;

    RunAssembly(PipelinePlugins plugins, RuntimePluginContext context, RuntimeMetrics metrics, RunTuning tuning)
    {
        this.tuning = requireNonNull(tuning, "tuning is null");
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.config = plugins.config();
        this.context = requireNonNull(context, "context is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.tag = StatementTag.forRun(config.runId());
    }

    /**
     * Whether the target's binlog is watched for writes by others; {@link TargetWatchSetup#off}
     * until {@link #connect}.
     */
    TargetWatchSetup watchSetup()
    {
        return watchSetup;
    }

    /**
     * Asks the target whether its binlog can be watched (and logs the answer), then opens the
     * connection pools, hands them to the plugins and starts the throttlers. The target's
     * sessions log their statement texts when the target is watched.
     */
    Databases connect()
            throws InterruptedException
    {
        TargetWatchSetup setup;
        try {
            setup = TargetWatchSetup.probe(config);
        }
        catch (SQLException e) {
            throw new FerryException("cannot ask the target " + config.target().address() + " about its binlog: " + e.getMessage(), e);
        }
        watchSetup = setup;
        if (setup.status() == TargetWatchSetup.Status.WATCHED) {
            log.info("target writes: {}", setup.description());
        }
        else {
            log.warn("target writes: {}", setup.description());
        }
        // the target's pool serves the copy's workers and the applier's parts at once
        int connections = config.copy().concurrency() + EXTRA_CONNECTIONS;
        int targetConnections = connections + config.replication().parallelism() - 1;
        HikariDataSource source = DataSources.create(config.source(), "source", connections, true, true);
        HikariDataSource target;
        try {
            // foreign_key_checks=0 on every target session: tables are created in any order (cycles
            // included), copied in any order and applied in binlog order; the final verification
            // proves the result
            target = DataSources.create(config.target(), "target", targetConnections, true, false,
                    config.copy().writeMethod() != CopyConfig.WriteMethod.INSERT, setup.sessionSettings());
        }
        catch (RuntimeException e) {
            source.close();
            throw e;
        }
        try {
            DataSources.awaitServer(source, config.source(), "source");
            DataSources.awaitServer(target, config.target(), "target");
        }
        catch (RuntimeException | InterruptedException e) {
            source.close();
            target.close();
            throw e;
        }
        context.attach(source, target);
        plugins.copyThrottlers().forEach(throttler -> throttler.start());
        plugins.replicationThrottlers().forEach(throttler -> throttler.start());
        return new Databases(source, target);
    }

    /**
     * Checks the source before anything else: its binlog settings, and that it is not a replica
     * unless {@code replication.allowReplicaSource}; and what watching the target needs.
     */
    void checkSource(Databases databases)
            throws SQLException
    {
        Preflight preflight = preflight(databases);
        List<String> problems = new ArrayList<>(preflight.sourceProblems());
        problems.addAll(preflight.targetWatchProblems(watchSetup));
        Preflight.failOn(problems);
    }

    /**
     * The target's current binlog position, where a fresh run's watch starts, read before the run
     * writes anything to the target; null when the target is not watched.
     */
    BinlogPosition targetWatchStart(Databases databases)
            throws SQLException
    {
        if (!watchSetup.watched()) {
            return null;
        }
        try (Connection connection = databases.target().getConnection()) {
            return SourceServer.currentPosition(connection);
        }
    }

    /**
     * The watch of the target's binlog, empty when the target is not watched. A resume takes over
     * what the saved run found and reads on from where it stopped; where the target no longer has
     * that binlog, or the saved run did not watch, it reads from {@code current} and says what it
     * did not see.
     *
     * @param current the target's position read by {@link #targetWatchStart}
     * @param onFailure called on the watch's thread once it failed for good
     */
    Optional<TargetWatch> targetWatch(Databases databases, SchemaRegistry schemas, Optional<FerryState> saved, BinlogPosition current,
            Runnable onFailure)
            throws SQLException
    {
        TargetWritesState previous = saved.map(FerryState::targetWrites).orElse(null);
        if (!watchSetup.watched()) {
            if (previous != null && !previous.tables().isEmpty()) {
                log.warn("the saved run found writes to the target by others ({}), which this run does not watch for", previous.tables().stream()
                        .map(table -> table.table().toString()).toList());
            }
            return Optional.empty();
        }
        DatabaseConfig target = config.target();
        ReplicationConfig replication = config.replication();
        BinlogStreamerConfig streamerConfig = new BinlogStreamerConfig(target.host(), target.port(), target.user(), target.password().orElse(""),
                watchServerId(config.runId()), replication.readRetries(), replication.retryBackoff(), replication.heartbeat(), target.connectTimeout(),
                true, BinlogStreamerConfig.Role.TARGET_WATCH);
        TargetWriteWatch watch = new TargetWriteWatch(streamerConfig, databases.target(), schemas, config.rewrites(), tag, onFailure, metrics);
        BinlogPosition from = current;
        if (previous != null) {
            watch.restore(previous);
            Optional<String> problem;
            try (Connection connection = databases.target().getConnection()) {
                problem = SourceServer.positionProblem(connection, previous.position());
            }
            if (problem.isEmpty()) {
                from = previous.position();
            }
            else {
                String unwatched = "the target's binlog between " + previous.position() + " and " + current + " (" + problem.get() + ")";
                log.warn("writes to the target by others cannot be watched in {}; the watch continues from {}", unwatched, current);
                watch.unwatched(unwatched);
            }
        }
        else if (saved.isPresent()) {
            String unwatched = "the target's binlog before " + current + " (the saved run did not watch it)";
            log.warn("writes to the target by others before this resume were not watched: the saved run did not watch the target's binlog");
            watch.unwatched(unwatched);
        }
        return Optional.of(new TargetWatch(watch, from));
    }

    /**
     * The server id the target's binlog is read with: the run id with its top bit flipped, so it
     * differs from the source stream's when source and target are one server.
     */
    static long watchServerId(long runId)
    {
        long id = (runId ^ 0x80000000L) & 0xFFFFFFFFL;
        return id == 0 ? 1 : id;
    }

    /**
     * Refuses a resume whose saved binlog position cannot be streamed from, before anything is
     * written anywhere, so the state stays as it was.
     */
    void checkResumePosition(Databases databases, FerryState saved, String where)
            throws SQLException
    {
        try (Connection connection = databases.source().getConnection()) {
            Optional<String> problem = SourceServer.positionProblem(connection, saved.position().resume());
            if (problem.isPresent()) {
                throw new StateException("cannot resume the run saved in " + where + ": " + problem.get() + "; the state is left as it was");
            }
        }
    }

    private Preflight preflight(Databases databases)
    {
        return new Preflight(config, databases.source(), databases.target());
    }

    /**
     * The checks that need the moved tables, before anything is written to the target: the
     * privileges both users need for them and their schema objects, and the schema objects'
     * definers. Returns the mover of the run's schema objects.
     */
    private ObjectMover checkBeforeCopy(Databases databases, List<TableSchema> tables)
            throws SQLException
    {
        Preflight preflight = preflight(databases);
        ObjectMover mover = preflight.objectMover(tables);
        List<String> problems = new java.util.ArrayList<>(preflight.privilegeProblems(tables.stream().map(t -> t.name().database()).distinct().toList()));
        problems.addAll(preflight.objects(mover).problems());
        Preflight.failOn(problems);
        return mover;
    }

    /**
     * The tables to copy and where streaming starts; starts the verifier with them. A resume that
     * replays DDL takes both from the target and the saved state; any other run discovers the
     * source tables at the position it starts streaming from and prepares the target tables (a
     * resume without DDL replay then checks they are the saved ones).
     */
    Plan plan(Databases databases, Optional<FerryState> saved)
            throws SQLException
    {
        ResumePlanner resumePlanner = new ResumePlanner(config, plugins.tableFilter(), plugins.copyFilter(),
                plugins.stateStore().map(StateStore::describe).orElse("the state"));
        if (saved.isPresent() && config.replication().replicateSchemaChanges()) {
            ResumePlanner.Plan resumed = resumePlanner.planWithSchemaReplication(saved.get(), new SchemaLoader(databases.source()), targetSchemas(databases));
            objects = checkBeforeCopy(databases, resumed.registered());
            objects.synchronize(ObjectMover.EARLY);
            context.setTables(resumed.registered());
            return new Plan(resumed.copied(), saved.get().position(), register(resumed.registered(), saved));
        }
        DiscoveryPlanner planner = new DiscoveryPlanner(config, plugins.tableFilter(), plugins.copyFilter(), databases.source(), databases.target());
        DiscoveryPlanner.Discovered discovered = planner.discover();
        objects = checkBeforeCopy(databases, discovered.tables());
        context.setTables(discovered.tables());
        List<TableSchema> ordered = planner.prepareTarget(discovered);
        objects.synchronize(ObjectMover.EARLY);
        if (saved.isPresent()) {
            resumePlanner.checkCompatible(saved.get(), ordered);
        }
        return new Plan(ordered, saved.isPresent() ? saved.get().position() : PositionPair.at(discovered.startPosition()), register(ordered, saved));
    }

    /**
     * The registry the binlog decodes with, seeded with {@code tables} (the plugins' view of the
     * tables follows its changes); starts the verifier.
     */
    private SchemaRegistry register(List<TableSchema> tables, Optional<FerryState> saved)
    {
        SchemaRegistry registry = new SchemaRegistry(tables);
        registry.onChange(context::putTable);
        registry.onRemove(context::removeTable);
        plugins.verifier().start(saved.map(FerryState::verifierState).orElse(null));
        return registry;
    }

    private TargetSchemas targetSchemas(Databases databases)
    {
        return new TargetSchemas(new SchemaLoader(databases.target()), config.rewrites(), new PaginationKeys(config.copy(), plugins.copyFilter()));
    }

    /**
     * @param barrier what the copy of a full-copy table waits for
     * @param followRenames whether the copy follows tables renamed by replicated DDL
     */
    Copier copier(Databases databases, SchemaRegistry schemas, ReplicationBarrier barrier, boolean followRenames)
    {
        return new Copier(config.copy(), databases.source(), databases.target(), config.rewrites(), plugins.copyFilter(), plugins.verifier(),
                withPauser("copy", plugins.copyThrottlers()), locks, rekeyed, barrier, schemas::get, followRenames ? Optional.of(renames) : Optional.empty(),
                metrics, tuning, tag);
    }

    /**
     * The binlog stream and its applier; with {@code replication.replicateSchemaChanges} the
     * applier replays DDL, saving the state through {@code state} around each statement.
     *
     * @param onStreamFailure called on the binlog thread once streaming failed for good
     * @param watch the watch of the target, told about the tables replicated DDL drops
     */
    Replication replication(Databases databases, SchemaRegistry schemas, StateSaver state, Runnable onStreamFailure,
            Optional<TargetWriteWatch> watch)
    {
        ReplicationConfig replication = config.replication();
        SchemaChangeHandler schemaChanges = SchemaChangeHandler.IGNORE;
        if (replication.replicateSchemaChanges()) {
            schemaChanges = new SchemaChangeApplier(databases.target(), plugins.tableFilter(), config.rewrites(), schemas, renames,
                    targetSchemas(databases), plugins.verifier(), "skip".equals(replication.onUnparseableDdl()), state, metrics, tag,
                    watch.<Consumer<List<dev.ferry.api.model.TableName>>>map(each -> each::expectOwnDrops).orElse(dropped -> {}));
        }
        BinlogApplier.Settings settings = new BinlogApplier.Settings(replication.batchSize(), replication.parallelism(), replication.writeRetries(),
                replication.retryBackoff(), config.copy().lockStrategy(), MAX_APPLY_STATEMENT_BYTES, tag);
        // a heartbeat comes at most one interval after the last event: twice that is silence
        LagClock lag = new LagClock(InstantSource.system(), replication.heartbeat().multipliedBy(2));
        BinlogApplier applier = new BinlogApplier(settings, () -> tuning.values().replicationBatchSize(), databases.target(), config.rewrites(),
                plugins.copyFilter(), plugins.verifier(), withPauser("replication", plugins.replicationThrottlers()), locks, rekeyed, plugins.stateStore(),
                schemaChanges, schemas::all, metrics, lag);
        DatabaseConfig source = config.source();
        BinlogStreamerConfig streamerConfig = new BinlogStreamerConfig(source.host(), source.port(), source.user(), source.password().orElse(""),
                config.runId(), replication.readRetries(), replication.retryBackoff(), replication.heartbeat(), source.connectTimeout(),
                replication.skipRowImageCheck());
        return new Replication(applier, streamerConfig, schemas, onStreamFailure);
    }

    /**
     * The stage's built-in pauser first, then its configured throttlers.
     */
    private List<Throttler> withPauser(String stage, List<Throttler> throttlers)
    {
        List<Throttler> all = new ArrayList<>();
        all.add(tuning.pauser(stage));
        all.addAll(throttlers);
        return all;
    }

    CutoverSequence cutover(Databases databases, RunSignals signals, Replication replication, Optional<TargetWriteWatch> watch)
    {
        return new CutoverSequence(config, databases.source(), plugins.verifier(), signals, replication, Optional.ofNullable(objects), watch);
    }

    Checkpointer checkpointer(StateStore store, Checkpointer.Sources sources)
    {
        return new Checkpointer(store, FerryVersion.get(), config.fingerprint(), config.runId(), sources, context.clock());
    }
}
