package dev.ferry.runtime.control;

import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.apply.ApplierState;
import dev.ferry.runtime.control.FerryStatus.ReplicationStatus;
import dev.ferry.runtime.control.FerryStatus.TableStatus;
import dev.ferry.runtime.core.FerryPhase;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /metrics} in the Prometheus text format 0.0.4, written by the Prometheus Java
 * client: the run's state from its {@link FerryStatus} (phase, per-table progress, the applier
 * and its lag, throttles, health), the runtime's latency histograms and time counters, every
 * counter ({@code ferry_<name>_total}) and gauge ({@code ferry_<name>}) of the stages and
 * plugins, and the JVM's and the process's metrics ({@code jvm_*}, {@code process_*}).
 *
 * <p>Conventions: base units ({@code _seconds}, {@code _bytes}, ratios 0 to 1), {@code _total}
 * on counters, and labels of bounded cardinality only: {@code phase}, {@code state},
 * {@code stage} and {@code table} (bounded by the config).
 */
final class PrometheusText
{
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    // the binlog file's sequence number, e.g. 3 of bin.000003
    private static final Pattern FILE_SEQUENCE = Pattern.compile("\\.(\\d{1,18})$");

    private PrometheusText() {}

    /**
     * The JVM's and the process's collectors, registered once per JVM: they watch the JVM, not a
     * run, and some (allocation) install listeners that should not pile up with each run.
     */
    private static final class Jvm
    {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

        static {
            JvmMetrics.builder().register(REGISTRY);
        }
    }

    static String render(RuntimeMetrics metrics, FerryStatus status)
    {
        Page page = new Page();
        status(page, status);
        for (RuntimeMetrics.NamedLatency latency : new TreeMap<>(metrics.latencies()).values()) {
            page.add(latency.snapshot());
        }
        for (RuntimeMetrics.NamedTimeSpent spent : new TreeMap<>(metrics.timesSpent()).values()) {
            page.add(counter("ferry_" + spent.name() + "_seconds", spent.help(), spent.seconds()));
        }
        for (MetricSnapshot snapshot : Jvm.REGISTRY.scrape()) {
            page.add(snapshot);
        }
        // the stages' and plugins' counters and gauges last: a name that clashes with one above is left out
        for (RuntimeMetrics.NamedCounter counter : new TreeMap<>(metrics.counters()).values()) {
            page.addUnlessTaken(counter(exportedName(counter.name()), counter.help(), counter.value()));
        }
        for (RuntimeMetrics.NamedGauge gauge : new TreeMap<>(metrics.gauges()).values()) {
            page.addUnlessTaken(gauge(exportedName(gauge.name()), gauge.help(), gauge.value()));
        }
        return page.write();
    }

    private static void status(Page page, FerryStatus status)
    {
        page.add(InfoSnapshot.builder()
                .name("ferry_build")
                .help("the ferry version, as a label")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("version", status.ferryVersion())).build())
                .build());

        GaugeSnapshot.Builder phase = GaugeSnapshot.builder().name("ferry_phase").help("the run's phase: 1 for the current one");
        for (FerryPhase each : FerryPhase.values()) {
            phase.dataPoint(point("phase", each.label(), each.label().equals(status.phase()) ? 1 : 0));
        }
        page.add(phase.build());

        if (!status.tables().isEmpty()) {
            CounterSnapshot.Builder copied = CounterSnapshot.builder().name("ferry_table_rows_copied").help("rows copied per source table");
            GaugeSnapshot.Builder estimated = GaugeSnapshot.builder().name("ferry_table_rows_estimated")
                    .help("the server's row estimate per source table (at least the rows copied)");
            GaugeSnapshot.Builder done = GaugeSnapshot.builder().name("ferry_table_done").help("1 when the table's copy is done");
            for (TableStatus table : status.tables()) {
                copied.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("table", table.table())).value(table.rowsCopied()).build());
                estimated.dataPoint(point("table", table.table(), table.estimatedRows()));
                done.dataPoint(point("table", table.table(), table.phase().equals("done") ? 1 : 0));
            }
            page.add(copied.build());
            page.add(estimated.build());
            page.add(done.build());
        }
        page.add(gauge("ferry_copy_progress_ratio", "rows copied of the estimate, 0 to 1 (1 when every table is done)", status.copy().percent() / 100));
        if (status.copy().etaSeconds() != null) {
            page.add(gauge("ferry_copy_eta_seconds", "estimated seconds until the copy is done", status.copy().etaSeconds()));
        }

        ReplicationStatus replication = status.replication();
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("ferry_applier_state").help("the binlog applier's state: 1 for the current one");
        for (ApplierState each : ApplierState.values()) {
            state.dataPoint(point("state", each.name(), each.name().equals(replication.state()) ? 1 : 0));
        }
        page.add(state.build());
        if (replication.stateAgeSeconds() != null) {
            page.add(gauge("ferry_applier_state_age_seconds", "seconds since the binlog applier's state last changed", replication.stateAgeSeconds()));
        }
        if (replication.lagSeconds() != null) {
            page.add(gauge("ferry_replication_lag_seconds",
                    "seconds since the source wrote the oldest change the target does not hold yet (0 when caught up with a live stream)",
                    replication.lagSeconds()));
        }
        page.add(gauge("ferry_applier_queued", "binlog items received and not yet applied", replication.queued()));
        page.add(gauge("ferry_replication_backlog_events", "row events received from the source and not yet applied", replication.backlogEvents()));
        if (replication.backlogBytes() != null) {
            page.add(gauge("ferry_replication_backlog_bytes", "binlog bytes received from the source and not yet applied", replication.backlogBytes()));
        }
        if (replication.appliedOffset() != null) {
            Matcher sequence = FILE_SEQUENCE.matcher(replication.appliedFile() == null ? "" : replication.appliedFile());
            if (sequence.find()) {
                page.add(gauge("ferry_applier_binlog_file_sequence", "sequence number of the binlog file applied up to: the numeric extension of its name",
                        Long.parseLong(sequence.group(1))));
            }
            page.add(gauge("ferry_applier_binlog_offset_bytes", "offset in that binlog file applied up to", replication.appliedOffset()));
        }

        GaugeSnapshot.Builder throttled = GaugeSnapshot.builder().name("ferry_throttled").help("1 while the stage is held back by a throttler");
        throttled.dataPoint(point("stage", "copy", status.copy().throttle().throttled() ? 1 : 0));
        throttled.dataPoint(point("stage", "replication", replication.throttle().throttled() ? 1 : 0));
        page.add(throttled.build());

        page.add(gauge("ferry_healthy", "1 when /api/health answers 200", status.health().healthy() ? 1 : 0));
    }

    /**
     * {@code ferry_<name>}, with the characters a metric name cannot hold replaced by {@code _}
     * and a suffix the format reserves ({@code _total}, {@code _created}, {@code _bucket},
     * {@code _info}) dropped: a plugin's odd name must not break the page.
     */
    static String exportedName(String name)
    {
        // the client accepts UTF-8 names and escapes them only when writing: replace here, so
        // that clashes are seen among the names actually written
        StringBuilder legacy = new StringBuilder(name.length() + 6).append("ferry_");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
            legacy.append(allowed ? c : '_');
        }
        return PrometheusNaming.sanitizeMetricName(legacy.toString());
    }

    private static CounterSnapshot counter(String name, String help, double value)
    {
        return CounterSnapshot.builder().name(name).help(help == null ? "" : help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value)
    {
        return GaugeSnapshot.builder().name(name).help(help == null ? "" : help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeDataPointSnapshot point(String label, String value, double sample)
    {
        return GaugeDataPointSnapshot.builder().labels(Labels.of(label, value)).value(sample).build();
    }

    /**
     * The snapshots of one page, and every series name they write, so that no name is written
     * twice (which makes the whole page invalid).
     */
    private static final class Page
    {
        private final List<MetricSnapshot> snapshots = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        void add(MetricSnapshot snapshot)
        {
            if (!addUnlessTaken(snapshot)) {
                throw new IllegalStateException("metric " + snapshot.getMetadata().getPrometheusName() + " is written twice");
            }
        }

        boolean addUnlessTaken(MetricSnapshot snapshot)
        {
            List<String> written = seriesNames(snapshot);
            for (String name : written) {
                if (names.contains(name)) {
                    return false;
                }
            }
            names.addAll(written);
            snapshots.add(snapshot);
            return true;
        }

        private static List<String> seriesNames(MetricSnapshot snapshot)
        {
            String name = snapshot.getMetadata().getPrometheusName();
            if (snapshot instanceof CounterSnapshot) {
                return List.of(name, name + "_total", name + "_created");
            }
            if (snapshot instanceof HistogramSnapshot) {
                return List.of(name, name + "_bucket", name + "_count", name + "_sum", name + "_created");
            }
            if (snapshot instanceof InfoSnapshot) {
                return List.of(name, name + "_info");
            }
            return List.of(name);
        }

        String write()
        {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
            try {
                WRITER.write(out, new MetricSnapshots(snapshots), EscapingScheme.UNDERSCORE_ESCAPING);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
