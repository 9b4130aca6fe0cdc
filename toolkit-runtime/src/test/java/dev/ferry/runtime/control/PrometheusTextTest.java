package dev.ferry.runtime.control;

import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.control.FerryStatus.CopyStatus;
import dev.ferry.runtime.control.FerryStatus.ReplicationStatus;
import dev.ferry.runtime.control.FerryStatus.ResultStatus;
import dev.ferry.runtime.control.FerryStatus.StageStatus;
import dev.ferry.runtime.control.FerryStatus.TableStatus;
import dev.ferry.runtime.control.FerryStatus.VerificationStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTextTest
{
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    static FerryStatus status(List<TableStatus> tables)
    {
        return status(tables, 0.75);
    }

    static FerryStatus status(List<TableStatus> tables, Double lagSeconds)
    {
        StageStatus open = new StageStatus(false, "", List.of());
        StageStatus paused = new StageStatus(true, "paused by operator", List.of(new FerryStatus.ThrottlerStatus("pauser", true, "paused by operator")));
        return new FerryStatus("test", "2026-01-02T03:04:05Z", "copying",
                new CopyStatus(150, 1000, 15, 50, 17.0, tables.size(), 0, 0, paused),
                tables,
                new ReplicationStatus(true, "WAITING", "2026-01-02T03:04:04Z", 1.25, lagSeconds, "bin.000003:4242", "bin.000003", 4242L, 7, 12, 3400L, 4, 99, open),
                new VerificationStatus("none", new ResultStatus("NOT_RUN", "not run yet", List.of()), new ResultStatus("NOT_RUN", "", List.of()), null,
                        new FerryStatus.TargetWritesStatus("watched", "watched", "bin.000001:4", 0, List.of(), null, null)),
                new Health(true, "copying", "WAITING", 1.25, 300, null),
                new FerryStatus.TuningStatus(100, 2, 4, 50, 0),
                new FerryStatus.ServersStatus(new FerryStatus.ServerStatus("db-old.example", 3306, "ferry_copy"),
                        new FerryStatus.ServerStatus("db-new.example", 3307, "ferry_write")),
                "2026-01-02T03:00:00Z", 245);
    }

    static TableStatus table(String name, long copied, long estimated, String phase)
    {
        return new TableStatus(name, name, phase, copied, estimated, estimated == 0 ? 0 : 100.0 * copied / estimated, 10, 5.0, 4, 1, "(42)", null);
    }

    @Test
    void countersEndInTotalAndTimeIsInSeconds()
    {
        RuntimeMetrics metrics = new RuntimeMetrics();
        metrics.counter("copy_rows", "rows copied to the target").add(150);
        metrics.gauge("verifier_backlog_keys", "keys waiting for re-verification").set(12.5);
        metrics.timeSpent("copy_throttled", "time copy workers waited for throttlers").recordNanos(1_500_000_000L);
        String text = PrometheusText.render(metrics, status(List.of()));
        assertTrue(text.contains("""
                # HELP ferry_copy_rows_total rows copied to the target
                # TYPE ferry_copy_rows_total counter
                ferry_copy_rows_total 150.0
                """), text);
        assertTrue(text.contains("""
                # TYPE ferry_verifier_backlog_keys gauge
                ferry_verifier_backlog_keys 12.5
                """), text);
        assertTrue(text.contains("""
                # HELP ferry_copy_throttled_seconds_total time copy workers waited for throttlers
                # TYPE ferry_copy_throttled_seconds_total counter
                ferry_copy_throttled_seconds_total 1.5
                """), text);
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ") && line.endsWith(" counter")) {
                assertTrue(line.matches("# TYPE \\w+_total counter"), line);
            }
            assertFalse(line.contains("millis"), line);
        }
    }

    @Test
    void latenciesAreHistogramsInSeconds()
    {
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimeMetrics.NamedLatency latency = metrics.latency("apply_batch_duration", "time to apply one batch");
        latency.recordNanos(3_000_000);
        latency.recordNanos(200_000_000);
        latency.recordNanos(90_000_000_000L);
        String text = PrometheusText.render(metrics, status(List.of()));
        assertTrue(text.contains("""
                # HELP ferry_apply_batch_duration_seconds time to apply one batch
                # TYPE ferry_apply_batch_duration_seconds histogram
                ferry_apply_batch_duration_seconds_bucket{le="0.001"} 0
                ferry_apply_batch_duration_seconds_bucket{le="0.0025"} 0
                ferry_apply_batch_duration_seconds_bucket{le="0.005"} 1
                """), text);
        assertTrue(text.contains("""
                ferry_apply_batch_duration_seconds_bucket{le="0.25"} 2
                """), text);
        assertTrue(text.contains("""
                ferry_apply_batch_duration_seconds_bucket{le="60.0"} 2
                ferry_apply_batch_duration_seconds_bucket{le="+Inf"} 3
                ferry_apply_batch_duration_seconds_count 3
                ferry_apply_batch_duration_seconds_sum 90.203
                """), text);
        assertEquals(3, latency.count());
    }

    @Test
    void exportsPhaseTablesApplierLagAndThrottles()
    {
        String text = PrometheusText.render(new RuntimeMetrics(), status(List.of(table("shop.orders", 150, 1000, "copying"), table("shop.a\"b", 0, 0, "waiting"))));
        assertTrue(text.contains("ferry_build_info{version=\"test\"} 1\n"), text);
        assertTrue(text.contains("ferry_phase{phase=\"copying\"} 1.0\n"), text);
        assertTrue(text.contains("ferry_phase{phase=\"starting\"} 0.0\n"), text);
        assertTrue(text.contains("# TYPE ferry_table_rows_copied_total counter\nferry_table_rows_copied_total{table=\"shop.a\\\"b\"} 0.0\n"
                + "ferry_table_rows_copied_total{table=\"shop.orders\"} 150.0\n"), text);
        assertTrue(text.contains("ferry_table_rows_estimated{table=\"shop.orders\"} 1000.0\n"), text);
        assertTrue(text.contains("ferry_table_done{table=\"shop.orders\"} 0.0\n"), text);
        assertTrue(text.contains("ferry_copy_progress_ratio 0.15\n"), text);
        assertTrue(text.contains("ferry_copy_eta_seconds 17.0\n"), text);
        assertTrue(text.contains("ferry_applier_state{state=\"WAITING\"} 1.0\n"), text);
        assertTrue(text.contains("ferry_applier_state_age_seconds 1.25\n"), text);
        assertTrue(text.contains("# TYPE ferry_replication_lag_seconds gauge\nferry_replication_lag_seconds 0.75\n"), text);
        assertTrue(text.contains("ferry_applier_queued 7.0\n"), text);
        assertTrue(text.contains("ferry_replication_backlog_events 12.0\n"), text);
        assertTrue(text.contains("ferry_replication_backlog_bytes 3400.0\n"), text);
        assertTrue(text.contains("ferry_applier_binlog_file_sequence 3.0\n"), text);
        assertTrue(text.contains("ferry_applier_binlog_offset_bytes 4242.0\n"), text);
        assertTrue(text.contains("ferry_throttled{stage=\"copy\"} 1.0\nferry_throttled{stage=\"replication\"} 0.0\n"), text);
        assertTrue(text.contains("ferry_healthy 1.0\n"), text);
    }

    @Test
    void labelsHaveBoundedValuesOnly()
    {
        RuntimeMetrics metrics = new RuntimeMetrics();
        metrics.latency("copy_batch_duration", "one copy batch").recordNanos(1_000_000);
        String text = PrometheusText.render(metrics, status(List.of(table("shop.orders", 150, 1000, "copying"))));
        assertFalse(text.contains("bin.000003"), "no binlog file name: it changes with every rotation");
        Set<String> labels = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                assertTrue(line.matches("# (HELP|TYPE) [a-z_]+ .*"), line);
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), line);
            if (sample.group(1).startsWith("ferry_") && sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        assertEquals(Set.of("le", "phase", "stage", "state", "table", "version"), labels);
    }

    @Test
    void lagIsLeftOutWhileUnknown()
    {
        String text = PrometheusText.render(new RuntimeMetrics(), status(List.of(), null));
        assertFalse(text.contains("ferry_replication_lag_seconds"), text);
    }

    @Test
    void exportsJvmAndProcessMetrics()
    {
        String text = PrometheusText.render(new RuntimeMetrics(), status(List.of()));
        for (String name : List.of("jvm_memory_used_bytes{area=\"heap\"} ", "jvm_threads_current ", "jvm_gc_collection_seconds_count{",
                "process_cpu_seconds_total ", "process_open_fds ", "process_resident_memory_bytes ", "process_start_time_seconds ")) {
            assertTrue(text.contains("\n" + name), name + " in\n" + text);
        }
    }

    @Test
    void leavesOutPluginMetricsThatWouldClashWithItsOwn()
    {
        RuntimeMetrics metrics = new RuntimeMetrics();
        metrics.latency("copy_batch_duration", "the runtime's histogram").recordNanos(1_000_000);
        metrics.counter("phase", "a plugin's counter named like the phase gauge").add(1);
        metrics.gauge("table_rows_copied_total", "a plugin's gauge named like the table counter").set(1);
        metrics.gauge("copy_batch_duration_seconds_count", "a plugin's gauge named like a histogram series").set(1);
        metrics.gauge("jvm_threads", "harmless: every plugin metric is prefixed with ferry_").set(3);
        String text = PrometheusText.render(metrics, status(List.of(table("shop.orders", 150, 1000, "copying"))));
        assertFalse(text.contains("a plugin's"), text);
        assertEquals(1, text.split("# TYPE ferry_phase ", -1).length - 1, text);
        assertTrue(text.contains("ferry_copy_batch_duration_seconds_count 1\n"), text);
        assertTrue(text.contains("ferry_jvm_threads 3.0\n"), text);
    }

    @Test
    void pluginNamesAreMadeValid()
    {
        assertEquals("ferry_my_plugin_lag_s", PrometheusText.exportedName("my-plugin.lag s"));
        assertEquals("ferry_events", PrometheusText.exportedName("events_total"));
        RuntimeMetrics metrics = new RuntimeMetrics();
        metrics.counter("my-plugin.events_total", "odd").add(2);
        String text = PrometheusText.render(metrics, status(List.of()));
        assertTrue(text.contains("# TYPE ferry_my_plugin_events_total counter\nferry_my_plugin_events_total 2.0\n"), text);
    }
}
