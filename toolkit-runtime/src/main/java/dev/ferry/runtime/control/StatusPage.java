package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.runtime.control.FerryStatus.CopyStatus;
import dev.ferry.runtime.control.FerryStatus.Mismatch;
import dev.ferry.runtime.control.FerryStatus.ReplicationStatus;
import dev.ferry.runtime.control.FerryStatus.RequestedVerification;
import dev.ferry.runtime.control.FerryStatus.ResultStatus;
import dev.ferry.runtime.control.FerryStatus.ServerStatus;
import dev.ferry.runtime.control.FerryStatus.StageStatus;
import dev.ferry.runtime.control.FerryStatus.TableStatus;
import dev.ferry.runtime.control.FerryStatus.ThrottlerStatus;
import dev.ferry.runtime.control.FerryStatus.TargetWriteTable;
import dev.ferry.runtime.control.FerryStatus.TargetWritesStatus;
import dev.ferry.runtime.control.FerryStatus.TuningStatus;
import dev.ferry.runtime.control.FerryStatus.VerificationStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * The HTML status page: rendered on the server, so it reads without JavaScript; a small script
 * re-fetches it every few seconds and swaps in the new {@code #status} element. With the script
 * come the controls: buttons and a tuning form that call the control API with {@code fetch},
 * enabled by what the {@code data-*} attributes of {@code #status} say about the run, and a field
 * for the control token, which the script keeps in the tab's {@code sessionStorage} and sends as
 * a bearer token, never in a URL.
 */
final class StatusPage
{
    static final int REFRESH_SECONDS = 3;
    static final String NO_VALUE = "\u2014";
    private static final String TEMPLATE = load();

    private StatusPage() {}

    /**
     * @param tokenRequired whether POSTs need the control token, so the page asks for it
     * @param cutoverDisabled whether {@code cutover.disabled} is set, so the page offers no cutover
     * @param nonce the Content-Security-Policy nonce of this response's inline style and script
     */
    static String render(FerryStatus status, boolean tokenRequired, boolean cutoverDisabled, String nonce)
    {
        requireNonNull(status, "status is null");
        StringBuilder html = new StringBuilder(8192);
        state(html, status);
        overview(html, status);
        copy(html, status.copy(), status);
        replication(html, status.replication());
        throttlers(html, status.copy().throttle(), status.replication().throttle());
        verification(html, status.verification());
        html.append("</div>");
        return TEMPLATE
                .replace("${title}", escape("ferry: " + status.phase() + ", " + Display.percent(status.copy().percent()) + " copied"))
                .replace("${version}", escape(status.ferryVersion()))
                .replace("${refreshSeconds}", Integer.toString(REFRESH_SECONDS))
                .replace("${nonce}", escape(nonce))
                .replace("${tokenRequired}", Boolean.toString(tokenRequired))
                .replace("${cutoverDisabled}", Boolean.toString(cutoverDisabled))
                .replace("${tokenHint}", tokenRequired ? "; every POST needs <code>Authorization: Bearer &lt;token&gt;</code>" : "")
                .replace("${status}", html);
    }

    /**
     * The opening of {@code #status}, whose attributes tell the page's script which controls make
     * sense now and which values the tuning form shows as its placeholders.
     */
    private static void state(StringBuilder html, FerryStatus status)
    {
        RequestedVerification requested = status.verification().requested();
        TuningStatus tuning = status.tuning();
        html.append("<div id=\"status\" data-phase=\"").append(escape(status.phase()))
                .append("\" data-copy-paused=\"").append(pausedFromTheApi(status.copy().throttle()))
                .append("\" data-copy-throttled=\"").append(status.copy().throttle().throttled())
                .append("\" data-replication-paused=\"").append(pausedFromTheApi(status.replication().throttle()))
                .append("\" data-replication-throttled=\"").append(status.replication().throttle().throttled())
                .append("\" data-verifying=\"").append(requested != null && requested.running())
                .append("\" data-copy-batch-size=\"").append(tuning.copyBatchSize())
                .append("\" data-copy-concurrency=\"").append(tuning.copyConcurrency())
                .append("\" data-max-copy-concurrency=\"").append(tuning.maxCopyConcurrency())
                .append("\" data-copy-rows-per-second=\"").append(tuning.copyRowsPerSecond())
                .append("\" data-replication-batch-size=\"").append(tuning.replicationBatchSize())
                .append("\">\n");
    }

    private static boolean pausedFromTheApi(StageStatus stage)
    {
        for (ThrottlerStatus throttler : stage.throttlers()) {
            if (throttler.type().equals("built-in")) {
                return throttler.throttled();
            }
        }
        return false;
    }

    private static void overview(StringBuilder html, FerryStatus status)
    {
        html.append("<section id=\"overview\">\n<h2>Run <span id=\"phase\" class=\"badge phase-").append(escape(status.phase())).append("\">")
                .append(escape(status.phase())).append("</span></h2>\n<dl>\n");
        term(html, "Source", server("source", status.servers().source()));
        term(html, "Target", server("target", status.servers().target()));
        term(html, "Started", "<span id=\"started-at\">" + escape(status.startedAt()) + "</span>");
        term(html, "Elapsed", "<span id=\"elapsed\">" + Display.seconds(status.elapsedSeconds()) + "</span>");
        term(html, "Updated", escape(status.time()));
        Health health = status.health();
        term(html, "Health", health.healthy()
                ? "<span id=\"health\" class=\"ok\">healthy</span>"
                : "<span id=\"health\" class=\"bad\">unhealthy: " + escape(health.reason()) + "</span>");
        TuningStatus tuning = status.tuning();
        term(html, "Tuning", "<span id=\"tuning\">copy batches of " + Display.count(tuning.copyBatchSize()) + " rows, " + tuning.copyConcurrency()
                + " at once (at most " + tuning.maxCopyConcurrency() + "), "
                + (tuning.copyRowsPerSecond() == 0 ? "no rows/s cap" : "at most " + Display.count(tuning.copyRowsPerSecond()) + " rows/s")
                + "; replication batches of " + Display.count(tuning.replicationBatchSize()) + " events</span>");
        html.append("</dl>\n</section>\n");
    }

    /**
     * {@code host:port as user}; a status holds no password to show.
     */
    private static String server(String id, ServerStatus server)
    {
        String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
        return "<span id=\"" + id + "\">" + escape(host + ":" + server.port()) + "</span> as <span id=\"" + id + "-user\">"
                + escape(server.user()) + "</span>";
    }

    private static void copy(StringBuilder html, CopyStatus copy, FerryStatus status)
    {
        html.append("<section id=\"copy\">\n<h2>Copy</h2>\n");
        html.append("<progress id=\"copy-progress\" class=\"overall\" ");
        bar(html, copy.rowsCopied(), copy.estimatedRows(), copy.percent());
        html.append("<p><span id=\"copy-rows\">").append(Display.count(copy.rowsCopied())).append(" of ~").append(Display.count(copy.estimatedRows()))
                .append(" rows (").append(Display.percent(copy.percent())).append(")</span> · <span id=\"copy-rate\">")
                .append(Display.rate(copy.rowsPerSecond())).append(" rows/s</span> · ETA <span id=\"copy-eta\">").append(Display.seconds(copy.etaSeconds()))
                .append("</span> · tables ").append(copy.tablesDone()).append(" of ").append(copy.tablesTotal()).append(" done");
        if (copy.tablesFailed() > 0) {
            html.append(", <span class=\"bad\">").append(copy.tablesFailed()).append(" failed</span>");
        }
        html.append(" · ");
        throttle(html, "copy-throttle", copy.throttle());
        html.append("</p>\n");
        if (status.tables().isEmpty()) {
            html.append("<p class=\"muted\">No table planned yet.</p>\n</section>\n");
            return;
        }
        html.append("<table id=\"tables\">\n<thead><tr><th>Table</th><th>Target</th><th>Phase</th><th>Progress</th>"
                + "<th class=\"num\">Rows copied</th><th class=\"num\">Estimate</th><th class=\"num\">Rows/s</th><th class=\"num\">ETA</th>"
                + "<th class=\"num\">Ranges</th></tr></thead>\n<tbody>\n");
        for (TableStatus table : status.tables()) {
            html.append("<tr class=\"table-row\" data-table=\"").append(escape(table.table())).append("\">")
                    .append("<td class=\"table-name\">").append(escape(table.table())).append("</td>")
                    .append("<td class=\"table-target\">").append(escape(table.target())).append("</td>")
                    .append("<td class=\"").append(table.phase().equals("failed") ? "bad" : table.phase().equals("done") ? "ok" : "")
                    .append("\">").append(escape(table.phase())).append("</td><td><progress class=\"table-progress\" ");
            bar(html, table.rowsCopied(), table.estimatedRows(), table.percent());
            html.append(" ").append(Display.percent(table.percent())).append("</td>")
                    .append("<td class=\"num rows-copied\">").append(Display.count(table.rowsCopied())).append("</td>")
                    .append("<td class=\"num rows-estimated\">").append(Display.count(table.estimatedRows())).append("</td>")
                    .append("<td class=\"num\">").append(Display.rate(table.rowsPerSecond())).append("</td>")
                    .append("<td class=\"num\">").append(Display.seconds(table.etaSeconds())).append("</td>")
                    .append("<td class=\"num\">").append(table.rangesDone()).append(" / ").append(table.rangesTotal()).append("</td></tr>\n");
            if (table.error() != null) {
                html.append("<tr class=\"table-error\"><td colspan=\"9\" class=\"bad\">").append(escape(table.error())).append("</td></tr>\n");
            }
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private static void bar(StringBuilder html, long copied, long estimated, double percent)
    {
        long max = Math.max(1, Math.max(estimated, copied));
        long value = percent >= 100 ? max : copied;
        html.append("value=\"").append(value).append("\" max=\"").append(max).append("\" data-rows-copied=\"").append(copied)
                .append("\" data-estimated-rows=\"").append(estimated).append("\">").append(Display.percent(percent)).append("</progress>");
    }

    private static void replication(StringBuilder html, ReplicationStatus replication)
    {
        html.append("<section id=\"replication\">\n<h2>Replication</h2>\n");
        if (!replication.started()) {
            html.append("<p class=\"muted\">The binlog is not streamed yet.</p>\n");
        }
        html.append("<dl>\n");
        term(html, "Applier state", "<span id=\"applier-state\">" + escape(replication.state()) + "</span>"
                + (replication.stateAgeSeconds() == null ? "" : ", for <span id=\"applier-state-age\">" + Display.seconds(replication.stateAgeSeconds()) + "</span>"));
        term(html, "Applied up to", replication.appliedPosition() == null ? "-" : "<code id=\"applied-position\">" + escape(replication.appliedPosition()) + "</code>");
        term(html, "Applier lag", "<span id=\"applier-lag\">" + lag(replication) + "</span>");
        term(html, "Backlog", "<span id=\"applier-backlog\">" + Display.count(replication.backlogEvents()) + "</span> row events"
                + (replication.backlogBytes() == null ? "" : " (" + Display.count(replication.backlogBytes()) + " binlog bytes)")
                + " received and not yet applied; <span id=\"applier-queued\">" + Display.count(replication.queued()) + "</span> items queued for the applier");
        term(html, "Apply connections", Integer.toString(replication.parallelism()));
        term(html, "Events applied", Display.count(replication.eventsApplied()));
        StringBuilder throttle = new StringBuilder();
        throttle(throttle, "replication-throttle", replication.throttle());
        term(html, "Throttle", throttle.toString());
        html.append("</dl>\n</section>\n");
    }

    /**
     * {@code /replication/lagSeconds} as {@code GET /api/status} has it, or a dash while the status
     * carries no such field or no value in it. Read by its JSON name, so the page needs no change
     * when the field arrives or its Java type changes.
     */
    private static String lag(ReplicationStatus replication)
    {
        JsonNode lag = StatusJson.tree(replication).path("lagSeconds");
        return lag.isNumber() ? Display.seconds(lag.asDouble()) : NO_VALUE;
    }

    private static void throttlers(StringBuilder html, StageStatus copy, StageStatus replication)
    {
        html.append("<section id=\"throttlers\">\n<h2>Throttlers</h2>\n");
        if (copy.throttlers().isEmpty() && replication.throttlers().isEmpty()) {
            html.append("<p class=\"muted\">None configured (throttlers.copy, throttlers.replication).</p>\n</section>\n");
            return;
        }
        html.append("<table>\n<thead><tr><th>Stage</th><th>Type</th><th>State</th><th>Reason</th></tr></thead>\n<tbody>\n");
        throttlerRows(html, "copy", copy);
        throttlerRows(html, "replication", replication);
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private static void throttlerRows(StringBuilder html, String stage, StageStatus status)
    {
        for (ThrottlerStatus throttler : status.throttlers()) {
            html.append("<tr class=\"throttler\" data-stage=\"").append(stage).append("\"><td>").append(stage).append("</td><td>")
                    .append(escape(throttler.type())).append("</td><td class=\"").append(throttler.throttled() ? "warn\">throttled" : "ok\">open")
                    .append("</td><td>").append(escape(throttler.reason())).append("</td></tr>\n");
        }
    }

    private static void throttle(StringBuilder html, String id, StageStatus stage)
    {
        if (stage.throttled()) {
            html.append("<span id=\"").append(id).append("\" class=\"warn\">throttled: ").append(escape(stage.reason())).append("</span>");
        }
        else {
            html.append("<span id=\"").append(id).append("\" class=\"ok\">not throttled</span>");
        }
    }

    private static void verification(StringBuilder html, VerificationStatus verification)
    {
        html.append("<section id=\"verification\">\n<h2>Verification</h2>\n<dl>\n");
        term(html, "Verifier", escape(verification.verifier() == null ? "none" : verification.verifier()));
        term(html, "Last result", result("verification-last", verification.last()));
        term(html, "Running result", result("verification-current", verification.current()));
        RequestedVerification requested = verification.requested();
        if (requested != null) {
            String text;
            if (requested.running()) {
                text = "running since " + escape(requested.startedAt());
            }
            else if (requested.error() != null) {
                text = "<span class=\"bad\">failed: " + escape(requested.error()) + "</span>";
            }
            else {
                text = result("verification-requested-result", requested.result()) + " <span class=\"muted\">(finished " + escape(requested.finishedAt()) + ")</span>";
            }
            term(html, "Requested", "<span id=\"verification-requested\">" + text + "</span>");
        }
        TargetWritesStatus targetWrites = verification.targetWrites();
        if (targetWrites != null) {
            String text;
            if (targetWrites.writes() > 0) {
                text = "<span id=\"target-writes\" class=\"bad\">" + targetWrites.writes() + " by others: the cutover will be refused</span>";
            }
            else if (targetWrites.failure() != null) {
                text = "<span id=\"target-writes\" class=\"bad\">watch failed: " + escape(targetWrites.failure()) + "</span>";
            }
            else {
                text = "<span id=\"target-writes\" class=\"" + ("watched".equals(targetWrites.watch()) ? "ok" : "warn") + "\">"
                        + escape(targetWrites.watch()) + "</span> <span class=\"muted\">" + escape(targetWrites.description()) + "</span>";
            }
            term(html, "Writes to the target", text);
        }
        html.append("</dl>\n");
        if (targetWrites != null && !targetWrites.tables().isEmpty()) {
            html.append("<table id=\"target-writes-tables\">\n<thead><tr><th>Table</th><th>On the target</th><th class=\"num\">Rows</th>"
                    + "<th class=\"num\">Statements</th><th>Keys</th></tr></thead>\n<tbody>\n");
            for (TargetWriteTable table : targetWrites.tables()) {
                html.append("<tr><td>").append(escape(table.table())).append("</td><td>").append(escape(table.target()))
                        .append("</td><td class=\"num\">").append(table.rows()).append("</td><td class=\"num\">").append(table.statements())
                        .append("</td><td>").append(escape(String.join(" ", table.keys().subList(0, Math.min(10, table.keys().size())))))
                        .append(escape(table.notes().isEmpty() ? "" : " " + String.join("; ", table.notes()))).append("</td></tr>\n");
            }
            html.append("</tbody>\n</table>\n");
        }
        if (!verification.last().mismatches().isEmpty()) {
            html.append("<table id=\"mismatches\">\n<thead><tr><th>Table</th><th>Reason</th><th class=\"num\">Keys</th></tr></thead>\n<tbody>\n");
            for (Mismatch mismatch : verification.last().mismatches()) {
                html.append("<tr><td>").append(escape(mismatch.table())).append("</td><td>").append(escape(mismatch.reason()))
                        .append("</td><td class=\"num\">").append(mismatch.keys()).append("</td></tr>\n");
            }
            html.append("</tbody>\n</table>\n");
        }
        html.append("</section>\n");
    }

    private static String result(String id, ResultStatus result)
    {
        if (result == null) {
            return "-";
        }
        String css = switch (result.status()) {
            case "MATCH" -> "ok";
            case "MISMATCH" -> "bad";
            default -> "muted";
        };
        return "<span id=\"" + id + "\" class=\"" + css + "\">" + escape(result.status()) + "</span> " + escape(result.message());
    }

    private static void term(StringBuilder html, String term, String definitionHtml)
    {
        html.append("<dt>").append(escape(term)).append("</dt><dd>").append(definitionHtml).append("</dd>\n");
    }

    static String escape(String text)
    {
        if (text == null) {
            return "";
        }
        StringBuilder result = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> result.append("&amp;");
                case '<' -> result.append("&lt;");
                case '>' -> result.append("&gt;");
                case '"' -> result.append("&quot;");
                case '\'' -> result.append("&#39;");
                default -> result.append(c);
            }
        }
        return result.toString();
    }

    private static String load()
    {
        try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the ferry runtime jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
