package dev.ferry.runtime.cutover;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.core.RunSignals;
import dev.ferry.runtime.objects.ObjectMover;
import dev.ferry.runtime.objects.SchemaObject;
import dev.ferry.runtime.replication.Replication;
import dev.ferry.runtime.verify.TargetWriteWatch;
import dev.ferry.runtime.verify.TargetWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The cutover of a run whose copy is done: waits for the signal (the operator's command, or none
 * when automatic) and for the applier to be close to the source, then tells the application
 * (before hook), waits for a source replica to catch up, applies up to the source's final
 * position, stops streaming, reads the target's binlog up to its end for writes by others,
 * brings the schema objects to the source's final definitions (creating triggers and events),
 * verifies and tells the application again (after hook). A write to a moved table on the target
 * by anything other than the run fails the cutover, whatever the verifier says.
 */
public final class CutoverSequence
{
    private static final Logger log = LoggerFactory.getLogger(CutoverSequence.class);
    private static final Duration CAUGHT_UP_POLL = Duration.ofMillis(200);

    private final FerryConfig config;
    private final DataSource source;
    private final Verifier verifier;
    private final RunSignals signals;
    private final Replication replication;
    private final Optional<ObjectMover> objects;
    private final Optional<TargetWriteWatch> watch;
    private final HttpHooks hooks = new HttpHooks();
    private long lastDowntimeWarning;

    /**
     * @param objects the run's schema objects, brought to the source's final definitions (triggers
     *        and events created) once the final position is applied
     * @param watch the watch of the target's binlog for writes by others, empty when the target
     *        is not watched
     */
    public CutoverSequence(FerryConfig config, DataSource source, Verifier verifier, RunSignals signals, Replication replication,
            Optional<ObjectMover> objects, Optional<TargetWriteWatch> watch)
    {
        this.watch = requireNonNull(watch, "watch is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.config = requireNonNull(config, "config is null");
        this.source = requireNonNull(source, "source is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.signals = requireNonNull(signals, "signals is null");
        this.replication = requireNonNull(replication, "replication is null");
    }

    /**
     * Waits for the cutover command (or none when automatic) and for the applier to be close to
     * the source, so the cutover itself is short. Returns false when a stop came first.
     *
     * @throws FerryException when streaming or the applier failed meanwhile
     */
    public boolean awaitSignal()
            throws InterruptedException, SQLException
    {
        while (true) {
            replication.checkHealthy();
            watch.ifPresent(TargetWriteWatch::checkHealthy);
            if (signals.stopRequested()) {
                return false;
            }
            boolean requested = config.cutover().automatic() || signals.cutoverRequested();
            if (requested && caughtUp() && withinExpectedDowntime()) {
                return true;
            }
            if (!requested) {
                signals.awaitCutoverRequest(CAUGHT_UP_POLL);
            }
            else {
                Thread.sleep(CAUGHT_UP_POLL.toMillis());
            }
        }
    }

    /**
     * Writes have stopped (the before hook told the application): apply up to the source's final
     * position, stop streaming, verify. Refused before the before hook when the watch of the
     * target found writes by others already, and after the final catch-up when it found some by
     * then; the verifier does not run then.
     *
     * @return the verifier's result at cutover, or the writes to the target by others
     * @throws FerryException when the applier (or the watch of the target) does not reach the
     *         final position in time
     */
    public VerificationResult run()
            throws InterruptedException, SQLException
    {
        Instant started = Instant.now();
        if (watch.isPresent() && watch.get().foundWrites()) {
            // what else is in the target's binlog by now goes into the same report
            return refused(watch.get().finish(config.cutover().catchUpTimeout(), stallLimit(config)), "before the cutover started (the before hook was not called)");
        }
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
        if (!replication.awaitAppliedReconnectingWhenStalled(end, config.cutover().catchUpTimeout(), stallLimit(config))) {
            throw new FerryException("cutover: the applier did not reach the source's final position " + end + " within "
                    + config.cutover().catchUpTimeout() + " (cutover.catchUpTimeout); it is at " + replication.applied().event()
                    + ". Check that writes to the source have stopped.");
        }
        replication.stop();
        String unwatched = null;
        if (watch.isPresent()) {
            // every write of this run is on the target now: anything after it in the target's
            // binlog up to here, and not this run's, is someone else's
            TargetWrites writes = watch.get().finish(config.cutover().catchUpTimeout(), stallLimit(config));
            if (writes.found()) {
                return refused(writes, "after the final catch-up");
            }
            unwatched = writes.unwatched();
            log.info("cutover: no writes to the moved tables on the target by others up to {}", writes.position());
        }
        // triggers and events only now: while the applier ran, the rows the source's triggers
        // wrote came through the binlog, and target triggers would have written them twice
        if (objects.isPresent()) {
            ObjectMover.Outcome outcome = objects.get().synchronize(EnumSet.allOf(SchemaObject.Kind.class));
            log.info("cutover: schema objects created {}, dropped {}, unchanged {}, skipped {}", outcome.created().size(), outcome.dropped().size(),
                    outcome.unchanged().size(), outcome.skipped().size());
        }
        VerificationResult verification = verifier.verifyAtCutover();
        if (unwatched != null) {
            verification = new VerificationResult(verification.status(), verification.mismatches(), verification.message()
                    + "; writes to the target by others were not watched in " + unwatched);
        }
        log.info("cutover at {} took {} ms: {}", end, Duration.between(started, Instant.now()).toMillis(), verification.message());
        logDifferingKeys(verification);
        if (config.cutover().after() != null && !verification.failed()) {
            hooks.post("cutover after", config.cutover().after(), "{\"event\":\"cutover-after\",\"binlogFile\":\"" + end.file()
                    + "\",\"binlogOffset\":" + end.offset() + "}");
        }
        return verification;
    }

    /**
     * The keys the verifier found differing (it keeps the first few of each table), so that an
     * operator can look at those rows on both sides.
     */
    private static void logDifferingKeys(VerificationResult verification)
    {
        for (VerificationResult.TableMismatch mismatch : verification.mismatches()) {
            if (!mismatch.keys().isEmpty()) {
                log.warn("cutover: {} differs at key(s) {}", mismatch.table(), mismatch.keys());
            }
        }
    }

    private static VerificationResult refused(TargetWrites writes, String when)
    {
        VerificationResult result = writes.toResult();
        log.error("cutover refused {}: {}", when, result.message());
        return result;
    }

    /**
     * Whether the verifier's cutover check would fit in its {@code maxExpectedDowntime}; logs by
     * how much it would not, at most every ten seconds.
     */
    private boolean withinExpectedDowntime()
    {
        Optional<Duration> max = verifier.maxExpectedDowntime();
        if (max.isEmpty()) {
            return true;
        }
        Duration expected = verifier.expectedCutoverDuration();
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
            current = SourceServer.currentFileAndOffset(connection);
        }
        return replication.awaitApplied(current, Duration.ofSeconds(1));
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

    /**
     * How long a binlog stream may stand still short of the position a cutover waits for before
     * it is reconnected: three heartbeats (a live idle connection hears one per interval), at
     * least 5 s.
     */
    static Duration stallLimit(FerryConfig config)
    {
        Duration threeHeartbeats = config.replication().heartbeat().multipliedBy(3);
        return threeHeartbeats.compareTo(Duration.ofSeconds(5)) > 0 ? threeHeartbeats : Duration.ofSeconds(5);
    }
}
