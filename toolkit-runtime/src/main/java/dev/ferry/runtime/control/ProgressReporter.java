package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.config.HttpHookConfig;
import dev.ferry.runtime.config.ProgressConfig;
import dev.ferry.runtime.cutover.HttpHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * POSTs the run's status ({@link FerryStatus} plus {@code "customPayload"}: the configured
 * {@code progress.payload}) to {@code progress.callback} every {@code progress.interval}, and fatal
 * errors to {@code progress.errorCallback}. A failing callback is logged once per distinct error
 * and never disturbs the run.
 */
public final class ProgressReporter
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final Ferry ferry;
    private final ProgressConfig config;
    private final HttpHooks hooks = new HttpHooks();
    private final Clock clock = Clock.systemUTC();
    private final Object failures = new Object();
    private String lastProgressError;
    private String lastErrorCallbackError;
    private ScheduledExecutorService scheduler;

    public ProgressReporter(Ferry ferry)
    {
        this.ferry = requireNonNull(ferry, "ferry is null");
        this.config = ferry.config().progress();
    }

    /**
     * Starts the periodic reports; does nothing without {@code progress.callback}.
     */
    public synchronized void start()
    {
        if (scheduler != null) {
            throw new IllegalStateException("the progress reporter is already started");
        }
        if (config.callback() == null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-progress-callback");
            thread.setDaemon(true);
            return thread;
        });
        long interval = Math.max(MIN_INTERVAL.toMillis(), config.interval().toMillis());
        // fixed delay: a slow callback delays the next report instead of piling reports up
        scheduler.scheduleWithFixedDelay(this::report, 0, interval, TimeUnit.MILLISECONDS);
        log.info("reporting progress to {} every {}", config.callback().url(), Display.duration(Duration.ofMillis(interval)));
    }

    /**
     * POSTs the status now; never throws.
     */
    void report()
    {
        HttpHookConfig callback = config.callback();
        if (callback == null) {
            return;
        }
        String message;
        try {
            ObjectNode document = StatusJson.withPayload(FerryStatus.capture(ferry, null, clock.instant()), config.payload());
            hooks.post("progress callback", callback, StatusJson.write(document));
            message = null;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        catch (RuntimeException e) {
            message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        synchronized (failures) {
            lastProgressError = logChange("progress callback", lastProgressError, message);
        }
    }

    /**
     * POSTs {@code {"error": <message>, "phase": ..., "customPayload": ...}} to
     * {@code progress.errorCallback}, if configured; waits for the answer (the process is usually
     * about to end) and never throws.
     */
    public void reportError(Throwable error)
    {
        requireNonNull(error, "error is null");
        HttpHookConfig callback = config.errorCallback();
        if (callback == null) {
            return;
        }
        ObjectNode document = StatusJson.object();
        document.put("error", error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
        document.put("phase", ferry.phase().label());
        document.set("customPayload", config.payload() == null ? null : config.payload().deepCopy());
        String message;
        try {
            hooks.post("error callback", callback, StatusJson.write(document));
            message = null;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        catch (RuntimeException e) {
            message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        synchronized (failures) {
            lastErrorCallbackError = logChange("error callback", lastErrorCallbackError, message);
        }
    }

    private static String logChange(String hook, String previous, String current)
    {
        if (current == null) {
            if (previous != null) {
                log.info("{} works again", hook);
            }
            return null;
        }
        if (!current.equals(previous)) {
            log.warn("{} failed (logged again only when the error changes): {}", hook, current);
        }
        return current;
    }

    /**
     * Stops the periodic reports after one last report, so the callback sees how the run ended.
     */
    @Override
    public void close()
    {
        ScheduledExecutorService current;
        synchronized (this) {
            current = scheduler;
            scheduler = null;
        }
        if (current == null) {
            return;
        }
        current.shutdownNow();
        try {
            current.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        report();
    }
}
