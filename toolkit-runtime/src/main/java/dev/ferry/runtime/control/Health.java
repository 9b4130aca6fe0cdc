package dev.ferry.runtime.control;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.apply.BinlogApplier;
import dev.ferry.runtime.state.CheckpointStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The answer of {@code GET /api/health}: unhealthy when the run failed, when the binlog applier
 * failed, when the applier's state is older than {@code control.maxStateAge} while the binlog
 * is streamed, or when the latest write of the run's state failed (a kill then loses the progress
 * since the last saved state). The applier refreshes its state on every binlog heartbeat, so an
 * idle but live stream stays healthy.
 *
 * @param healthy whether the check passes
 * @param phase the run's phase
 * @param applierState the applier's state, or null before streaming starts
 * @param stateAgeSeconds seconds since the applier's state last changed, or null
 * @param maxStateAgeSeconds {@code control.maxStateAge} in seconds
 * @param reason why the check fails, or null
 * @param savedStateAgeSeconds seconds since the run's state was last saved, or null (no state store, or not saved yet)
 * @param stateSaveError why the latest save of the run's state failed, or null
 */
public record Health(boolean healthy, String phase, String applierState, Double stateAgeSeconds, double maxStateAgeSeconds, String reason,
        Double savedStateAgeSeconds, String stateSaveError)
{
    public Health(boolean healthy, String phase, String applierState, Double stateAgeSeconds, double maxStateAgeSeconds, String reason)
    {
        this(healthy, phase, applierState, stateAgeSeconds, maxStateAgeSeconds, reason, null, null);
    }

    public static Health check(Ferry ferry, Duration maxStateAge, Instant now)
    {
        Health applier = checkApplier(ferry, maxStateAge, now);
        Optional<CheckpointStatus> checkpoints = ferry.checkpointStatus();
        if (checkpoints.isEmpty()) {
            return applier;
        }
        CheckpointStatus status = checkpoints.get();
        Double savedAge = status.lastSaved() == null ? null : Math.max(0, Duration.between(status.lastSaved(), now).toNanos() / 1e9);
        String reason = applier.reason();
        boolean healthy = applier.healthy();
        if (healthy && status.failing()) {
            healthy = false;
            reason = "cannot save the state to " + status.store() + ": " + status.lastError() + "; last saved "
                    + (savedAge == null ? "never" : Display.duration(Duration.ofMillis(Math.round(savedAge * 1000))) + " ago")
                    + ", so a restart now would redo the work since then: fix the state store (space, permissions, the target's connection)";
        }
        return new Health(healthy, applier.phase(), applier.applierState(), applier.stateAgeSeconds(), applier.maxStateAgeSeconds(), reason,
                savedAge, status.lastError());
    }

    private static Health checkApplier(Ferry ferry, Duration maxStateAge, Instant now)
    {
        requireNonNull(ferry, "ferry is null");
        requireNonNull(maxStateAge, "maxStateAge is null");
        requireNonNull(now, "now is null");
        FerryPhase phase = ferry.phase();
        double max = maxStateAge.toNanos() / 1e9;
        Optional<BinlogApplier> applier = ferry.applier();
        if (applier.isEmpty()) {
            return phase == FerryPhase.FAILED
                    ? new Health(false, phase.label(), null, null, max, "the run failed")
                    : new Health(true, phase.label(), null, null, max, null);
        }
        String state = applier.get().state().name();
        Duration age = Duration.between(applier.get().stateChanged(), now);
        double ageSeconds = Math.max(0, age.toNanos() / 1e9);
        if (phase == FerryPhase.FAILED) {
            return new Health(false, phase.label(), state, ageSeconds, max, "the run failed");
        }
        Optional<Throwable> failure = applier.get().failure();
        if (failure.isPresent()) {
            return new Health(false, phase.label(), state, ageSeconds, max, "the binlog applier failed: " + failure.get().getMessage());
        }
        boolean streaming = phase == FerryPhase.COPYING || phase == FerryPhase.WAITING_FOR_CUTOVER || phase == FerryPhase.CUTOVER;
        if (streaming && age.compareTo(maxStateAge) > 0) {
            return new Health(false, phase.label(), state, ageSeconds, max, "the binlog applier state " + state + " is "
                    + Display.duration(age) + " old, more than control.maxStateAge " + Display.duration(maxStateAge)
                    + ": the binlog stream (or its heartbeat) has stalled");
        }
        return new Health(true, phase.label(), state, ageSeconds, max, null);
    }
}
