package dev.ferry.runtime.control;

import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.apply.ApplierState;
import dev.ferry.runtime.control.FerryStatus.TableStatus;

import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /metrics} in the Prometheus text format 0.0.4: every counter and gauge of the run's
 * {@link RuntimeMetrics} as {@code ferry_<name>}, plus per-table progress, the phase, the applier
 * and the throttles.
 */
final class PrometheusText
{
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    // names this page writes itself; a runtime metric of the same name would make the page invalid
    private static final Set<String> OWN_NAMES = Set.of("phase", "table_rows_copied", "table_rows_estimated", "table_done", "applier_state",
            "applier_state_age_seconds", "applier_queued", "applier_applied_offset", "throttled", "copy_progress_percent", "healthy");

    private PrometheusText() {}

    static String render(RuntimeMetrics metrics, FerryStatus status)
    {
        StringBuilder text = new StringBuilder(4096);
        for (RuntimeMetrics.NamedCounter counter : new TreeMap<>(metrics.counters()).values()) {
            if (OWN_NAMES.contains(sanitize(counter.name()))) {
                continue;
            }
            header(text, counter.name(), counter.help(), "counter");
            sample(text, counter.name(), null, null, counter.value());
        }
        for (RuntimeMetrics.NamedGauge gauge : new TreeMap<>(metrics.gauges()).values()) {
            if (OWN_NAMES.contains(sanitize(gauge.name())) || metrics.counters().containsKey(gauge.name())) {
                continue;
            }
            header(text, gauge.name(), gauge.help(), "gauge");
            sample(text, gauge.name(), null, null, gauge.value());
        }

        header(text, "phase", "the run's phase: 1 for the current one", "gauge");
        for (FerryPhase phase : FerryPhase.values()) {
            sample(text, "phase", "phase", phase.label(), phase.label().equals(status.phase()) ? 1 : 0);
        }

        if (!status.tables().isEmpty()) {
            header(text, "table_rows_copied", "rows copied per source table", "counter");
            for (TableStatus table : status.tables()) {
                sample(text, "table_rows_copied", "table", table.table(), table.rowsCopied());
            }
            header(text, "table_rows_estimated", "the server's row estimate per source table", "gauge");
            for (TableStatus table : status.tables()) {
                sample(text, "table_rows_estimated", "table", table.table(), table.estimatedRows());
            }
            header(text, "table_done", "1 when the table's copy is done", "gauge");
            for (TableStatus table : status.tables()) {
                sample(text, "table_done", "table", table.table(), table.phase().equals("done") ? 1 : 0);
            }
        }

        FerryStatus.ReplicationStatus replication = status.replication();
        header(text, "applier_state", "the binlog applier's state: 1 for the current one", "gauge");
        for (ApplierState state : ApplierState.values()) {
            sample(text, "applier_state", "state", state.name(), state.name().equals(replication.state()) ? 1 : 0);
        }
        if (replication.stateAgeSeconds() != null) {
            header(text, "applier_state_age_seconds", "seconds since the binlog applier's state last changed", "gauge");
            sample(text, "applier_state_age_seconds", null, null, replication.stateAgeSeconds());
        }
        header(text, "applier_queued", "binlog items received and not yet applied", "gauge");
        sample(text, "applier_queued", null, null, replication.queued());
        if (replication.appliedOffset() != null) {
            header(text, "applier_applied_offset", "binlog offset applied up to, within applier_applied_file", "gauge");
            sample(text, "applier_applied_offset", "file", replication.appliedFile(), replication.appliedOffset());
        }

        header(text, "throttled", "1 while the stage is held back by a throttler", "gauge");
        sample(text, "throttled", "stage", "copy", status.copy().throttle().throttled() ? 1 : 0);
        sample(text, "throttled", "stage", "replication", replication.throttle().throttled() ? 1 : 0);

        header(text, "copy_progress_percent", "rows copied of the estimate, in percent", "gauge");
        sample(text, "copy_progress_percent", null, null, status.copy().percent());
        header(text, "healthy", "1 when /api/health answers 200", "gauge");
        sample(text, "healthy", null, null, status.health().healthy() ? 1 : 0);
        return text.toString();
    }

    private static void header(StringBuilder text, String name, String help, String type)
    {
        String metric = "ferry_" + sanitize(name);
        text.append("# HELP ").append(metric).append(' ').append(escapeHelp(help == null ? "" : help)).append('\n');
        text.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder text, String name, String label, String value, double sample)
    {
        text.append("ferry_").append(sanitize(name));
        if (label != null) {
            text.append('{').append(label).append("=\"").append(escapeLabel(value == null ? "" : value)).append("\"}");
        }
        text.append(' ').append(number(sample)).append('\n');
    }

    static String number(double value)
    {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /**
     * Metric names may hold {@code [a-zA-Z0-9_:]} only; a plugin's odd name must not break the page.
     */
    static String sanitize(String name)
    {
        StringBuilder result = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
            result.append(allowed ? c : '_');
        }
        return result.toString();
    }

    private static String escapeHelp(String help)
    {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String value)
    {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
