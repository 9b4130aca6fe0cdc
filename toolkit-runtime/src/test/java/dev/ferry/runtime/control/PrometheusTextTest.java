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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTextTest
{
    static FerryStatus status(List<TableStatus> tables)
    {
        StageStatus open = new StageStatus(false, "", List.of());
        StageStatus paused = new StageStatus(true, "paused by operator", List.of(new FerryStatus.ThrottlerStatus("pauser", true, "paused by operator")));
        return new FerryStatus("test", "2026-01-02T03:04:05Z", "copying",
                new CopyStatus(150, 1000, 15, 50, 17.0, tables.size(), 0, 0, paused),
                tables,
                new ReplicationStatus(true, "WAITING", "2026-01-02T03:04:04Z", 1.25, "bin.000003:4242", "bin.000003", 4242L, 7, 99, open),
                new VerificationStatus("none", new ResultStatus("NOT_RUN", "not run yet", List.of()), new ResultStatus("NOT_RUN", "", List.of()), null,
                        new FerryStatus.TargetWritesStatus("watched", "watched", "bin.000001:4", 0, List.of(), null, null)),
                new Health(true, "copying", "WAITING", 1.25, 300, null),
                new FerryStatus.TuningStatus(100, 2, 4, 50, 0));
    }

    static TableStatus table(String name, long copied, long estimated, String phase)
    {
        return new TableStatus(name, name, phase, copied, estimated, estimated == 0 ? 0 : 100.0 * copied / estimated, 10, 5.0, 4, 1, "(42)", null);
    }

    @Test
    void exportsEveryRuntimeMetricWithHelpAndType()
    {
        RuntimeMetrics metrics = new RuntimeMetrics();
        metrics.counter("copy_rows", "rows copied to the target").add(150);
        metrics.gauge("apply_batch_millis", "duration of the last applied batch").set(12.5);
        String text = PrometheusText.render(metrics, status(List.of()));
        assertTrue(text.startsWith("""
                # HELP ferry_copy_rows rows copied to the target
                # TYPE ferry_copy_rows counter
                ferry_copy_rows 150
                # HELP ferry_apply_batch_millis duration of the last applied batch
                # TYPE ferry_apply_batch_millis gauge
                ferry_apply_batch_millis 12.5
                """), text);
    }

    @Test
    void exportsPhaseTablesApplierAndThrottles()
    {
        String text = PrometheusText.render(new RuntimeMetrics(), status(List.of(table("shop.orders", 150, 1000, "copying"), table("shop.a\"b", 0, 0, "waiting"))));
        assertTrue(text.contains("ferry_phase{phase=\"starting\"} 0\nferry_phase{phase=\"copying\"} 1\n"), text);
        assertTrue(text.contains("# TYPE ferry_table_rows_copied counter\nferry_table_rows_copied{table=\"shop.orders\"} 150\nferry_table_rows_copied{table=\"shop.a\\\"b\"} 0\n"), text);
        assertTrue(text.contains("ferry_table_rows_estimated{table=\"shop.orders\"} 1000\n"), text);
        assertTrue(text.contains("ferry_applier_state{state=\"WAITING\"} 1\n"), text);
        assertTrue(text.contains("ferry_applier_state_age_seconds 1.25\n"), text);
        assertTrue(text.contains("ferry_applier_queued 7\n"), text);
        assertTrue(text.contains("ferry_applier_applied_offset{file=\"bin.000003\"} 4242\n"), text);
        assertTrue(text.contains("ferry_throttled{stage=\"copy\"} 1\nferry_throttled{stage=\"replication\"} 0\n"), text);
        assertTrue(text.contains("ferry_healthy 1\n"), text);
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# HELP ferry_") || line.startsWith("# TYPE ferry_") || line.matches("ferry_[a-z_]+(\\{[a-z]+=\"([^\"\\\\]|\\\\.)*\"})? \\S+"), line);
        }
    }

    @Test
    void skipsRuntimeMetricsThatWouldClashWithItsOwn()
    {
        RuntimeMetrics metrics = new RuntimeMetrics();
        metrics.counter("phase", "a plugin's odd counter").add(1);
        String text = PrometheusText.render(metrics, status(List.of()));
        assertFalse(text.contains("a plugin's odd counter"), text);
        assertEquals(1, text.split("# TYPE ferry_phase ", -1).length - 1);
    }

    @Test
    void numbersAndNames()
    {
        assertEquals("3", PrometheusText.number(3.0));
        assertEquals("0.5", PrometheusText.number(0.5));
        assertEquals("NaN", PrometheusText.number(Double.NaN));
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
        assertEquals("my_plugin_lag_s", PrometheusText.sanitize("my-plugin.lag s"));
    }
}
