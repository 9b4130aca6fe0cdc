package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.control.FerryStatus.CopyStatus;
import dev.ferry.runtime.control.FerryStatus.ReplicationStatus;
import dev.ferry.runtime.core.FerryPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Progress for the person running ferry. On a terminal ({@code System.console() != null}) one
 * status line on stderr, redrawn every second under the log lines ({@link TerminalLines}: while
 * it runs, {@code System.err} is replaced by a stream that keeps the two apart); otherwise a
 * logged line every {@code progress.interval}. With {@code progress.jsonLogs}, terminal or not, a
 * JSON line on stderr every {@code progress.interval}. Once the copy is done the line says what
 * the run waits for (the cutover, the applier) instead of a copy rate.
 */
public final class ConsoleProgress
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ConsoleProgress.class);
    private static final Duration REWRITE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final int DEFAULT_WIDTH = 120;

    private final Ferry ferry;
    private final boolean rewrite;
    private final boolean json;
    private final Duration interval;
    private final PrintStream terminal;
    private final Consumer<String> logLine;
    private final int width;
    private final Clock clock = Clock.systemUTC();
    private final TerminalLines lines;
    private final boolean ownsStandardError;
    private PrintStream replacedStandardError;
    private ScheduledExecutorService scheduler;

    public ConsoleProgress(Ferry ferry)
    {
        this(ferry, System.console() != null, System.err, log::info, terminalWidth(), true);
    }

    ConsoleProgress(Ferry ferry, boolean interactive, PrintStream terminal, Consumer<String> logLine, int width)
    {
        this(ferry, interactive, terminal, logLine, width, false);
    }

    private ConsoleProgress(Ferry ferry, boolean interactive, PrintStream terminal, Consumer<String> logLine, int width, boolean ownsStandardError)
    {
        this.ferry = requireNonNull(ferry, "ferry is null");
        this.json = ferry.config().progress().json();
        this.rewrite = interactive && !json;
        Duration configured = ferry.config().progress().interval();
        this.interval = rewrite ? REWRITE_INTERVAL : configured.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : configured;
        this.terminal = requireNonNull(terminal, "terminal is null");
        this.logLine = requireNonNull(logLine, "logLine is null");
        this.width = width;
        this.lines = new TerminalLines(terminal);
        this.ownsStandardError = ownsStandardError;
    }

    /**
     * Prints a message line for the operator: on a terminal above the status line, otherwise to {@code elsewhere}.
     */
    public void println(PrintWriter elsewhere, String message)
    {
        if (!rewrite) {
            elsewhere.println(message);
            elsewhere.flush();
            return;
        }
        try {
            lines.write((message + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            elsewhere.println(message);
            elsewhere.flush();
        }
    }

    public synchronized void start()
    {
        if (scheduler != null) {
            throw new IllegalStateException("the console progress is already started");
        }
        if (rewrite && ownsStandardError) {
            // slf4j-simple looks System.err up for every line (cacheOutputStream=false), so log lines go through too
            replacedStandardError = System.err;
            System.setErr(new PrintStream(lines, true, StandardCharsets.UTF_8));
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-console-progress");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Prints or logs one progress line; never throws.
     */
    synchronized void tick()
    {
        try {
            FerryStatus status = FerryStatus.capture(ferry, null, clock.instant());
            if (rewrite) {
                String line = textLine(status);
                if (line.length() > width - 1) {
                    line = line.substring(0, Math.max(0, width - 4)) + "...";
                }
                lines.status(line);
            }
            else if (json) {
                terminal.println(jsonLine(status));
            }
            else {
                logLine.accept(textLine(status));
            }
        }
        catch (RuntimeException | IOException e) {
            log.debug("cannot show progress: {}", e.getMessage(), e);
        }
    }

    /**
     * While copying: {@code copying | 12,345 of ~50,000 rows (24.7%) | 1,234 rows/s | ETA 31.0s | tables 1 of 3 done | applier
     * WAITING for 0.4s, lag 0.0s, 0 queued, at bin.000003:1234}. After the copy, no rate and no ETA: {@code waiting for cutover | copied
     * 50,000 rows, tables 3 of 3 done | applier ...}.
     */
    static String textLine(FerryStatus status)
    {
        CopyStatus copy = status.copy();
        ReplicationStatus replication = status.replication();
        StringBuilder line = new StringBuilder(200);
        if (FerryPhase.STARTING.label().equals(status.phase()) || FerryPhase.COPYING.label().equals(status.phase())) {
            line.append(status.phase())
                    .append(" | ").append(Display.count(copy.rowsCopied())).append(" of ~").append(Display.count(copy.estimatedRows()))
                    .append(" rows (").append(Display.percent(copy.percent())).append(")")
                    .append(" | ").append(Display.rate(copy.rowsPerSecond())).append(" rows/s")
                    .append(" | ETA ").append(Display.seconds(copy.etaSeconds()))
                    .append(" | tables ").append(copy.tablesDone()).append(" of ").append(copy.tablesTotal()).append(" done");
        }
        else {
            line.append(FerryPhase.WAITING_FOR_CUTOVER.label().equals(status.phase()) ? "waiting for cutover" : status.phase())
                    .append(" | copied ").append(Display.count(copy.rowsCopied())).append(" rows, tables ")
                    .append(copy.tablesDone()).append(" of ").append(copy.tablesTotal()).append(" done");
        }
        if (replication.started()) {
            line.append(" | applier ").append(replication.state()).append(" for ").append(Display.seconds(replication.stateAgeSeconds()));
            if (replication.lagSeconds() != null) {
                line.append(", lag ").append(Display.seconds(replication.lagSeconds()));
            }
            line.append(", ").append(Display.count(replication.backlogEvents())).append(" events behind, at ").append(replication.appliedPosition());
        }
        if (copy.throttle().throttled()) {
            line.append(" | copy throttled: ").append(copy.throttle().reason());
        }
        if (replication.throttle().throttled()) {
            line.append(" | replication throttled: ").append(replication.throttle().reason());
        }
        return line.toString();
    }

    static String jsonLine(FerryStatus status)
    {
        CopyStatus copy = status.copy();
        ReplicationStatus replication = status.replication();
        ObjectNode line = StatusJson.object();
        line.put("event", "progress");
        line.put("time", status.time());
        line.put("phase", status.phase());
        line.put("rowsCopied", copy.rowsCopied());
        line.put("estimatedRows", copy.estimatedRows());
        line.put("percent", Math.round(copy.percent() * 10) / 10.0);
        line.put("rowsPerSecond", Math.round(copy.rowsPerSecond() * 10) / 10.0);
        line.put("etaSeconds", copy.etaSeconds() == null ? null : Math.round(copy.etaSeconds() * 10) / 10.0);
        line.put("tablesDone", copy.tablesDone());
        line.put("tablesTotal", copy.tablesTotal());
        line.put("applierState", replication.state());
        line.put("applierStateAgeSeconds", replication.stateAgeSeconds() == null ? null : Math.round(replication.stateAgeSeconds() * 10) / 10.0);
        line.put("applierLagSeconds", replication.lagSeconds() == null ? null : Math.round(replication.lagSeconds() * 10) / 10.0);
        line.put("appliedPosition", replication.appliedPosition());
        line.put("queued", replication.queued());
        line.put("backlogEvents", replication.backlogEvents());
        line.put("backlogBytes", replication.backlogBytes());
        line.put("eventsApplied", replication.eventsApplied());
        line.put("copyThrottle", copy.throttle().reason());
        line.put("replicationThrottle", replication.throttle().reason());
        return StatusJson.write(line);
    }

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
        }
        tick();
        if (rewrite) {
            try {
                lines.finish();
            }
            catch (IOException e) {
                log.debug("cannot end the progress line: {}", e.getMessage(), e);
            }
        }
        if (replacedStandardError != null) {
            System.setErr(replacedStandardError);
            replacedStandardError = null;
        }
    }

    private static int terminalWidth()
    {
        try {
            String columns = System.getenv("COLUMNS");
            return columns == null ? DEFAULT_WIDTH : Math.max(40, Integer.parseInt(columns.trim()));
        }
        catch (NumberFormatException e) {
            return DEFAULT_WIDTH;
        }
    }
}
