package dev.ferry.runtime.control;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.core.FerryVersion;
import dev.ferry.runtime.core.RunTuning;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.apply.BinlogApplier;
import dev.ferry.runtime.config.DatabaseConfig;
import dev.ferry.runtime.config.PluginSection;
import dev.ferry.runtime.copy.Copier;
import dev.ferry.runtime.copy.TablePlan;
import dev.ferry.runtime.copy.TableProgress;
import dev.ferry.runtime.state.TargetWritesState;
import dev.ferry.runtime.verify.TargetWatchSetup;
import dev.ferry.runtime.verify.TargetWrites;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A snapshot of a run for {@code GET /api/status}, the status page, {@code /metrics}, progress
 * callbacks and the console. Holds no secret: no password or token; of the connection settings
 * only each server's host, port and user.
 *
 * @param ferryVersion the ferry version
 * @param time when the snapshot was taken (ISO-8601)
 * @param phase the run's phase, e.g. {@code copying}
 * @param copy the copy as a whole
 * @param tables per-table copy progress, empty before the copy is planned
 * @param replication the binlog applier
 * @param verification the verifier's results
 * @param health what {@code GET /api/health} answers
 * @param tuning the values {@code POST /api/tune} changes, as they are now
 * @param servers the source and target the run moves between
 * @param startedAt when the run started (ISO-8601)
 * @param elapsedSeconds seconds since then
 */
public record FerryStatus(
        String ferryVersion,
        String time,
        String phase,
        CopyStatus copy,
        List<TableStatus> tables,
        ReplicationStatus replication,
        VerificationStatus verification,
        Health health,
        TuningStatus tuning,
        ServersStatus servers,
        String startedAt,
        double elapsedSeconds)
{
    /**
     * @param copyBatchSize rows per copy batch
     * @param copyConcurrency copy batches at once
     * @param maxCopyConcurrency the most {@code copyConcurrency} may be tuned to while running
     * @param replicationBatchSize binlog row events per applied batch
     * @param copyRowsPerSecond the cap on copied rows per second, 0 for none
     */
    public record TuningStatus(int copyBatchSize, int copyConcurrency, int maxCopyConcurrency, int replicationBatchSize, long copyRowsPerSecond)
    {
        static TuningStatus of(RunTuning tuning)
        {
            RunTuning.Values values = tuning.values();
            return new TuningStatus(values.copyBatchSize(), values.copyConcurrency(), tuning.maxConcurrency(), values.replicationBatchSize(),
                    values.copyRowsPerSecond());
        }
    }

    /**
     * @param source the server copied and streamed from
     * @param target the server written to
     */
    public record ServersStatus(ServerStatus source, ServerStatus target)
    {
        static ServersStatus of(DatabaseConfig source, DatabaseConfig target)
        {
            return new ServersStatus(ServerStatus.of(source), ServerStatus.of(target));
        }
    }

    /**
     * A server as an operator recognises it; never its password or connection parameters.
     *
     * @param host host name or address
     * @param port port
     * @param user the user ferry connects as
     */
    public record ServerStatus(String host, int port, String user)
    {
        static ServerStatus of(DatabaseConfig config)
        {
            return new ServerStatus(config.host(), config.port(), config.user());
        }
    }

    /**
     * @param rowsCopied rows copied so far
     * @param estimatedRows the tables' row estimates (at least what was copied of each)
     * @param percent rows copied of the estimate, 100 when every table is done
     * @param rowsPerSecond the combined rate of the tables being copied
     * @param etaSeconds estimated seconds until the copy is done, null when unknown
     * @param tablesTotal tables planned
     * @param tablesDone tables copied
     * @param tablesFailed tables that failed
     * @param throttle the copy's throttlers
     */
    public record CopyStatus(long rowsCopied, long estimatedRows, double percent, double rowsPerSecond, Double etaSeconds,
            int tablesTotal, int tablesDone, int tablesFailed, StageStatus throttle) {}

    /**
     * @param table the source table, {@code db.table}
     * @param target the target table
     * @param phase {@code waiting}, {@code copying}, {@code done} or {@code failed}
     * @param rowsCopied rows copied
     * @param estimatedRows the server's row estimate, at least {@code rowsCopied}; {@code rowsCopied} once this run has copied
     *         the whole table
     * @param percent rows copied of the estimate, 100 when done
     * @param rowsPerSecond rate since the table's copy started
     * @param etaSeconds estimated seconds until the table is done, null when unknown
     * @param rangesTotal key ranges planned
     * @param rangesDone key ranges copied
     * @param lastKey the pagination key of the last copied row, or null
     * @param error why the table failed, or null
     * @param batchSize rows of the batch the copy started last for this table (adapted while copying, see
     *        {@code copy.adaptive}), 0 before the first
     * @param bytesPerRow bytes of column data per row as the copy measured them, 0 when unknown
     */
    public record TableStatus(String table, String target, String phase, long rowsCopied, long estimatedRows, double percent,
            double rowsPerSecond, Double etaSeconds, int rangesTotal, int rangesDone, String lastKey, String error, int batchSize,
            long bytesPerRow)
    {
        public TableStatus(String table, String target, String phase, long rowsCopied, long estimatedRows, double percent,
                double rowsPerSecond, Double etaSeconds, int rangesTotal, int rangesDone, String lastKey, String error)
        {
            this(table, target, phase, rowsCopied, estimatedRows, percent, rowsPerSecond, etaSeconds, rangesTotal, rangesDone, lastKey, error, 0, 0);
        }
    }

    /**
     * @param started whether the binlog is being streamed
     * @param state the applier's state ({@code INIT}, {@code WAITING}, {@code PROCESSING}, {@code APPLYING}, {@code APPLIED})
     * @param stateChanged when it last changed (ISO-8601), or null
     * @param stateAgeSeconds seconds since then, or null
     * @param lagSeconds how long ago the source wrote the oldest change the target does not hold yet; 0 when the applier
     *         holds nothing unapplied and the stream is alive; null while unknown (not streaming, nothing heard yet, or the applier stopped)
     * @param appliedPosition everything up to here was applied, e.g. {@code bin.000003:1234}, or null
     * @param appliedFile its binlog file, or null
     * @param appliedOffset its offset, or null
     * @param queued binlog items received but not yet applied
     * @param backlogEvents row events received from the source and not yet applied (or skipped)
     * @param backlogBytes binlog bytes received and not yet applied, or null when the two positions are in different files
     * @param parallelism the applier's connections ({@code replication.parallelism})
     * @param eventsApplied row events applied
     * @param throttle the replication's throttlers
     */
    public record ReplicationStatus(boolean started, String state, String stateChanged, Double stateAgeSeconds, Double lagSeconds, String appliedPosition,
            String appliedFile, Long appliedOffset, int queued, long backlogEvents, Long backlogBytes, int parallelism, long eventsApplied,
            StageStatus throttle) {}

    /**
     * @param throttled whether the stage is held back now: it waits on a throttler, or one says so
     * @param reason why, or empty
     * @param throttlers the built-in pauser ({@code built-in}), then each configured throttler in config order
     */
    public record StageStatus(boolean throttled, String reason, List<ThrottlerStatus> throttlers) {}

    /**
     * @param type the plugin name from the config, e.g. {@code pauser}
     * @param throttled what it answers now
     * @param reason why, or empty
     */
    public record ThrottlerStatus(String type, boolean throttled, String reason) {}

    /**
     * @param verifier the configured verifier type
     * @param last the result of the last verification the run did (before or at cutover)
     * @param current the verifier's running result
     * @param requested the verification requested through {@code POST /api/verify}, or null
     * @param targetWrites the watch of the target's binlog for writes by others
     */
    public record VerificationStatus(String verifier, ResultStatus last, ResultStatus current, RequestedVerification requested,
            TargetWritesStatus targetWrites) {}

    /**
     * @param watch {@code watched}, {@code off} or {@code unavailable}
     * @param description what is watched, or why not and what that means
     * @param position where the watch is in the target's binlog, or null
     * @param writes row changes and DDL statements by others found so far; any fails the cutover
     * @param tables the moved tables they wrote to
     * @param unwatched a stretch of the target's binlog the watch did not read, or null
     * @param failure why the watch stopped, or null
     */
    public record TargetWritesStatus(String watch, String description, String position, long writes, List<TargetWriteTable> tables,
            String unwatched, String failure)
    {
        public TargetWritesStatus
        {
            tables = List.copyOf(tables);
        }

        static TargetWritesStatus of(TargetWatchSetup setup, Optional<TargetWrites> found)
        {
            List<TargetWriteTable> tables = new ArrayList<>();
            if (found.isEmpty()) {
                return new TargetWritesStatus(setup.status().name().toLowerCase(Locale.ROOT), setup.description(), null, 0, tables, null, null);
            }
            TargetWrites writes = found.get();
            for (TargetWritesState.Table table : writes.tables()) {
                List<String> keys = new ArrayList<>(table.keys().size());
                for (Key key : table.keys()) {
                    keys.add(key.toString());
                }
                tables.add(new TargetWriteTable(table.table().toString(), table.target().toString(), table.rows(), table.statements(), keys,
                        table.notes()));
            }
            return new TargetWritesStatus(setup.status().name().toLowerCase(Locale.ROOT), setup.description(),
                    writes.position() == null ? null : writes.position().toString(), writes.writes(), tables, writes.unwatched(), writes.failure());
        }
    }

    /**
     * @param table the moved (source) table
     * @param target its name on the target, where it was written
     * @param rows row changes seen
     * @param statements DDL statements seen
     * @param keys keys of the changed rows (the first ones)
     * @param notes what could not be told by key
     */
    public record TargetWriteTable(String table, String target, long rows, long statements, List<String> keys, List<String> notes) {}

    /**
     * @param status {@code MATCH}, {@code MISMATCH} or {@code NOT_RUN}
     * @param message one line for the operator
     * @param mismatches the differing tables
     */
    public record ResultStatus(String status, String message, List<Mismatch> mismatches)
    {
        static ResultStatus of(VerificationResult result)
        {
            List<Mismatch> mismatches = new ArrayList<>(result.mismatches().size());
            for (VerificationResult.TableMismatch mismatch : result.mismatches()) {
                mismatches.add(new Mismatch(mismatch.table().toString(), mismatch.reason(), mismatch.keys().size()));
            }
            return new ResultStatus(result.status().name(), result.message(), mismatches);
        }
    }

    /**
     * @param table the source table
     * @param reason e.g. {@code 3 rows differ}
     * @param keys how many differing keys are known
     */
    public record Mismatch(String table, String reason, int keys) {}

    /**
     * @param running whether it is still running
     * @param startedAt when it started (ISO-8601)
     * @param finishedAt when it finished, or null
     * @param result its result once finished without error, or null
     * @param error why it could not finish, or null
     */
    public record RequestedVerification(boolean running, String startedAt, String finishedAt, ResultStatus result, String error) {}

    public FerryStatus
    {
        requireNonNull(phase, "phase is null");
        tables = List.copyOf(tables);
    }

    /**
     * Takes a snapshot of {@code ferry}.
     *
     * @param requested the verification requested through the control API, or null
     */
    public static FerryStatus capture(Ferry ferry, RequestedVerification requested, Instant now)
    {
        requireNonNull(ferry, "ferry is null");
        requireNonNull(now, "now is null");
        List<TableStatus> tables = tables(ferry.tables());
        String copyReason = ferry.copier().map(Copier::throttleReason).orElse("");
        StageStatus copyThrottle = stage(ferry.tuning().pauser("copy"), ferry.plugins().copyThrottlers(), ferry.config().copyThrottlers(), copyReason);
        StageStatus replicationThrottle = stage(ferry.tuning().pauser("replication"), ferry.plugins().replicationThrottlers(),
                ferry.config().replicationThrottlers(), ferry.applier().map(BinlogApplier::throttleReason).orElse(""));
        RuntimeMetrics.NamedCounter applied = ferry.metrics().counters().get("apply_events");
        long eventsApplied = applied == null ? 0 : applied.value();
        return new FerryStatus(
                FerryVersion.get(),
                now.truncatedTo(ChronoUnit.MILLIS).toString(),
                ferry.phase().label(),
                copy(tables, copyThrottle),
                tables,
                replication(ferry.applier(), eventsApplied, replicationThrottle, now),
                new VerificationStatus(
                        ferry.config().verifier().type(),
                        ResultStatus.of(ferry.lastVerification()),
                        ResultStatus.of(ferry.plugins().verifier().currentResult()),
                        requested,
                        TargetWritesStatus.of(ferry.targetWatchSetup(), ferry.targetWrites())),
                Health.check(ferry, ferry.config().control().maxStateAge(), now),
                TuningStatus.of(ferry.tuning()),
                ServersStatus.of(ferry.config().source(), ferry.config().target()),
                ferry.startedAt().truncatedTo(ChronoUnit.MILLIS).toString(),
                Math.max(0, Duration.between(ferry.startedAt(), now).toMillis() / 1000.0));
    }

    private static List<TableStatus> tables(List<TablePlan> plans)
    {
        List<TableStatus> result = new ArrayList<>(plans.size());
        for (TablePlan plan : plans) {
            TableProgress progress = plan.progress();
            TableProgress.Phase phase = progress.phase();
            long copied = progress.rowsCopied();
            long estimated = progress.expectedRows();
            double rate = progress.rowsPerSecond();
            double percent = phase == TableProgress.Phase.DONE ? 100 : estimated == 0 ? 0 : 100.0 * copied / estimated;
            Double eta = phase == TableProgress.Phase.DONE ? Double.valueOf(0) : rate > 0 ? (estimated - copied) / rate : null;
            Key lastKey = progress.lastKey();
            result.add(new TableStatus(plan.table().name().toString(), plan.target().toString(), phase.name().toLowerCase(Locale.ROOT),
                    copied, estimated, percent, rate, eta, progress.rangesTotal(), progress.rangesDone(),
                    lastKey == null ? null : lastKey.toString(), progress.error(), progress.batchSize(), progress.bytesPerRow()));
        }
        return result;
    }

    private static CopyStatus copy(List<TableStatus> tables, StageStatus throttle)
    {
        long copied = 0;
        long estimated = 0;
        long remaining = 0;
        double rate = 0;
        int done = 0;
        int failed = 0;
        for (TableStatus table : tables) {
            copied += table.rowsCopied();
            estimated += table.estimatedRows();
            switch (table.phase()) {
                case "done" -> done++;
                case "failed" -> failed++;
                case "copying" -> {
                    rate += table.rowsPerSecond();
                    remaining += table.estimatedRows() - table.rowsCopied();
                }
                default -> remaining += table.estimatedRows() - table.rowsCopied();
            }
        }
        boolean allDone = !tables.isEmpty() && done == tables.size();
        double percent = allDone ? 100 : estimated == 0 ? 0 : 100.0 * copied / estimated;
        Double eta = allDone || (!tables.isEmpty() && remaining == 0) ? Double.valueOf(0) : rate > 0 ? remaining / rate : null;
        return new CopyStatus(copied, estimated, percent, rate, eta, tables.size(), done, failed, throttle);
    }

    private static ReplicationStatus replication(Optional<BinlogApplier> applier, long eventsApplied, StageStatus throttle, Instant now)
    {
        if (applier.isEmpty()) {
            return new ReplicationStatus(false, "INIT", null, null, null, null, null, null, 0, 0, null, 0, eventsApplied, throttle);
        }
        BinlogApplier current = applier.get();
        Instant changed = current.stateChanged();
        BinlogPosition applied = current.applied() == null ? null : current.applied().event();
        return new ReplicationStatus(true, current.state().name(), changed.toString(), Math.max(0, Duration.between(changed, now).toNanos() / 1e9),
                current.lag().seconds(), applied == null ? null : applied.toString(), applied == null ? null : applied.file(), applied == null ? null : applied.offset(),
                current.queued(), current.backlogEvents(), current.backlogBytes(), current.parallelism(), eventsApplied, throttle);
    }

    private static StageStatus stage(Throttler pauser, List<Throttler> throttlers, List<PluginSection> sections, String waitingOn)
    {
        List<ThrottlerStatus> result = new ArrayList<>(throttlers.size() + 1);
        String firstReason = pauser.isThrottled() ? nonEmpty(pauser.reason()) : "";
        result.add(new ThrottlerStatus("built-in", pauser.isThrottled(), firstReason));
        for (int i = 0; i < throttlers.size(); i++) {
            Throttler throttler = throttlers.get(i);
            String type = sections.size() == throttlers.size() && sections.get(i).type() != null ? sections.get(i).type() : "throttler";
            boolean throttled = throttler.isThrottled();
            String reason = throttled ? nonEmpty(throttler.reason()) : "";
            if (throttled && firstReason.isEmpty()) {
                firstReason = reason;
            }
            result.add(new ThrottlerStatus(type, throttled, reason));
        }
        String reason = waitingOn == null || waitingOn.isEmpty() ? firstReason : waitingOn;
        return new StageStatus(!reason.isEmpty(), reason, result);
    }

    private static String nonEmpty(String reason)
    {
        return reason == null || reason.isEmpty() ? "throttled" : reason;
    }
}
