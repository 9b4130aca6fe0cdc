package dev.ferry.runtime.control;

import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.control.FerryStatus.RequestedVerification;
import dev.ferry.runtime.control.FerryStatus.ResultStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Runs {@link Verifier#verifyBeforeCutover()} on its own thread when an operator asks
 * ({@code POST /api/verify}), one at a time, and keeps the outcome for the status.
 */
final class BackgroundVerification
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(BackgroundVerification.class);

    private final Verifier verifier;
    private final Clock clock;
    private Thread thread;
    private volatile RequestedVerification status;

    BackgroundVerification(Verifier verifier, Clock clock)
    {
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Starts a verification; false when one is still running.
     */
    synchronized boolean start()
    {
        if (thread != null && thread.isAlive()) {
            return false;
        }
        Instant started = clock.instant();
        status = new RequestedVerification(true, started.toString(), null, null, null);
        thread = new Thread(() -> run(started), "ferry-control-verify");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    private void run(Instant started)
    {
        log.info("verification requested through the control API: running");
        try {
            VerificationResult result = verifier.verifyBeforeCutover();
            status = new RequestedVerification(false, started.toString(), clock.instant().toString(), ResultStatus.of(result), null);
            log.info("requested verification finished: {} {}", result.status(), result.message());
        }
        catch (InterruptedException e) {
            status = new RequestedVerification(false, started.toString(), clock.instant().toString(), null, "interrupted");
        }
        catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            status = new RequestedVerification(false, started.toString(), clock.instant().toString(), null, message);
            log.warn("requested verification failed: {}", message, e);
        }
    }

    /**
     * The requested verification, or null when none was requested.
     */
    RequestedVerification status()
    {
        return status;
    }

    @Override
    public synchronized void close()
    {
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
        }
    }
}
