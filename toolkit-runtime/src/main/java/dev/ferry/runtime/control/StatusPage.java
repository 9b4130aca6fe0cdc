package dev.ferry.runtime.control;

import dev.ferry.runtime.control.FerryStatus.CopyStatus;
import dev.ferry.runtime.control.FerryStatus.Mismatch;
import dev.ferry.runtime.control.FerryStatus.ReplicationStatus;
import dev.ferry.runtime.control.FerryStatus.RequestedVerification;
import dev.ferry.runtime.control.FerryStatus.ResultStatus;
import dev.ferry.runtime.control.FerryStatus.StageStatus;
import dev.ferry.runtime.control.FerryStatus.TableStatus;
import dev.ferry.runtime.control.FerryStatus.ThrottlerStatus;
import dev.ferry.runtime.control.FerryStatus.TargetWriteTable;
import dev.ferry.runtime.control.FerryStatus.TargetWritesStatus;
import dev.ferry.runtime.control.FerryStatus.VerificationStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * The HTML status page: rendered on the server, so it reads without JavaScript; a small script
 * re-fetches it every few seconds and swaps in the new {@code #status} element.
 */
final class StatusPage
{
    static final int REFRESH_SECONDS = 3;
    private static final String TEMPLATE = load();

    private StatusPage() {}

    /**
     * @param nonce the Content-Security-Policy nonce of this response's inline style and script
     */
    static String render(FerryStatus status, boolean tokenRequired, String nonce)
    {
        requireNonNull(status, "status is null");
        StringBuilder html = new StringBuilder(8192);
        html.append("<div id=\"status\" data-phase=\"").append(escape(status.phase())).append("\">\n");
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
                .replace("${tokenHint}", tokenRequired ? "; every POST needs <code>Authorization: Bearer &lt;token&gt;</code>" : "")
                .replace("${status}", html);
    }

    private static void overview(StringBuilder html, FerryStatus status)
    {
        html.append("<section id=\"overview\">\n<h2>Run <span id=\"phase\" class=\"badge phase-").append(escape(status.phase())).append("\">")
                .append(escape(status.phase())).append("</span></h2>\n<dl>\n");
        term(html, "Updated", escape(status.time()));
        Health health = status.health();
        term(html, "Health", health.healthy()
                ? "<span id=\"health\" class=\"ok\">healthy</span>"
                : "<span id=\"health\" class=\"bad\">unhealthy: " + escape(health.reason()) + "</span>");
        html.append("</dl>\n</section>\n");
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
        term(html, "Binlog lag", "<span id=\"applier-queued\">" + Display.count(replication.queued()) + "</span> items queued for the applier"
                + (replication.stateAgeSeconds() == null ? "" : "; state changed " + Display.seconds(replication.stateAgeSeconds()) + " ago"));
        term(html, "Events applied", Display.count(replication.eventsApplied()));
        StringBuilder throttle = new StringBuilder();
        throttle(throttle, "replication-throttle", replication.throttle());
        term(html, "Throttle", throttle.toString());
        html.append("</dl>\n</section>\n");
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
