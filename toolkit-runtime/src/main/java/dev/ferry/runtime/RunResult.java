package dev.ferry.runtime;

import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.core.FerryPhase;

import java.time.Duration;

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
public record RunResult(FerryPhase phase, long rowsCopied, long eventsApplied, Duration elapsed, Duration copyElapsed,
        VerificationResult verification, String message)
{
    public double copyRowsPerSecond()
    {
        double seconds = copyElapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : rowsCopied / seconds;
    }
}
