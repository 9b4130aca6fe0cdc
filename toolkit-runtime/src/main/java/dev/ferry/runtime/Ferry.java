package dev.ferry.runtime;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.copy.Copier;
import dev.ferry.runtime.copy.ReplicationBarrier;
import dev.ferry.runtime.copy.TableLocks;
import dev.ferry.runtime.copy.TablePlan;
import dev.ferry.runtime.schema.CreationOrder;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.schema.TargetTables;
import dev.ferry.runtime.sql.DataSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * One ferry run: connects, discovers the tables, prepares the target, copies, and reports.
 */
public final class Ferry
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Ferry.class);
    private static final int EXTRA_CONNECTIONS = 4;

    /**
     * How a run ended.
     *
     * @param phase {@link FerryPhase#DONE}, {@link FerryPhase#STOPPED} or {@link FerryPhase#FAILED}
     * @param rowsCopied rows written by the copy
     * @param elapsed wall time of the run
     * @param verification the verifier's result at cutover
     * @param message one line for the operator
     */
    public record Result(FerryPhase phase, long rowsCopied, Duration elapsed, VerificationResult verification, String message)
    {
        public double rowsPerSecond()
        {
            double seconds = elapsed.toNanos() / 1e9;
            return seconds <= 0 ? 0 : rowsCopied / seconds;
        }
    }

    private final PipelinePlugins plugins;
    private final FerryConfig config;
    private final RuntimePluginContext context;
    private final RuntimeMetrics metrics;
    private final TableLocks locks = new TableLocks();
    private final AtomicReference<FerryPhase> phase = new AtomicReference<>(FerryPhase.STARTING);
    private volatile Copier copier;
    private volatile HikariDataSource source;
    private volatile HikariDataSource target;

    public Ferry(PipelinePlugins plugins, RuntimePluginContext context, RuntimeMetrics metrics)
    {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.config = plugins.config();
        this.context = requireNonNull(context, "context is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    public FerryPhase phase()
    {
        return phase.get();
    }

    public RuntimeMetrics metrics()
    {
        return metrics;
    }

    /**
     * Per-table copy progress, empty before planning.
     */
    public List<TablePlan> tables()
    {
        Copier current = copier;
        return current == null ? List.of() : current.plans();
    }

    /**
     * Runs the whole move.
     */
    public Result run()
            throws InterruptedException
    {
        Instant started = Instant.now();
        try {
            connect();
            List<TableSchema> tables = prepare();
            phase.set(FerryPhase.COPYING);
            copier = new Copier(config.copy(), source, target, config.rewrites(), plugins.copyFilter(), plugins.verifier(),
                    plugins.copyThrottlers(), locks, ReplicationBarrier.NONE, metrics);
            List<TablePlan> plans = copier.plan(tables, Map.of());
            copier.run(plans);
            long rows = metrics.counter("copy_rows", "rows copied to the target").value();
            phase.set(FerryPhase.CUTOVER);
            VerificationResult verification = plugins.verifier().verifyAtCutover();
            if (verification.failed()) {
                phase.set(FerryPhase.FAILED);
                return new Result(FerryPhase.FAILED, rows, Duration.between(started, Instant.now()), verification,
                        "verification failed: " + verification.message());
            }
            phase.set(FerryPhase.DONE);
            return new Result(FerryPhase.DONE, rows, Duration.between(started, Instant.now()), verification,
                    "copied " + rows + " rows of " + tables.size() + " tables");
        }
        catch (SQLException e) {
            phase.set(FerryPhase.FAILED);
            throw new FerryException("database error: " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            phase.set(FerryPhase.FAILED);
            throw e;
        }
    }

    private void connect()
    {
        int connections = config.copy().concurrency() + EXTRA_CONNECTIONS;
        source = DataSources.create(config.source(), "source", connections, true, true);
        target = DataSources.create(config.target(), "target", connections, true, !config.copy().disableForeignKeyChecks());
        context.attach(source, target);
        plugins.verifier().start(null);
    }

    private List<TableSchema> prepare()
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
        return ordered;
    }

    /**
     * Stops copying at the next batch boundary.
     */
    public void stop()
    {
        Copier current = copier;
        if (current != null) {
            current.stop();
        }
    }

    @Override
    public void close()
    {
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
}
