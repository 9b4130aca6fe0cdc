package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ferry.runtime.control.ControlServerIT.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code GET /metrics} of a real run, checked by Prometheus's own {@code promtool check metrics}
 * (format and naming conventions), with the applier lag following a change held back and
 * released, and both latency histograms filled.
 */
@RealServers
class MetricsIT
{
    private static final long PROMTOOL_TIMEOUT_SECONDS = 60;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void liveMetricsPassPromtoolAndShowLagAndLatencies(TestDatabase db)
            throws Exception
    {
        Path promtool = promtool();
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq) FROM seq_1_to_350");
        String yaml = ControlTesting.config(db.servers(), db.name(), "copy:\n  batchSize: 100\n  adaptive: false\n"
                + "replication:\n  heartbeat: 1s\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: 127.0.0.1:0\n");
        String table = db.name() + ".items";
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml, plugins -> plugins);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> run = executor.submit(ferry::run);
            awaitStatus(server, run, body -> body.get("phase").asText().equals("waiting-for-cutover"));

            // applied binlog batches
            for (int i = 1; i <= 20; i++) {
                db.executeOnSource("INSERT INTO items VALUES (" + (1000 + i) + ", 'streamed')");
            }
            awaitStatus(server, run, body -> body.at("/replication/eventsApplied").asLong() >= 20);
            // caught up with an idle source that sends heartbeats: no lag
            awaitStatus(server, run, body -> body.at("/replication/lagSeconds").isNumber() && body.at("/replication/lagSeconds").asDouble() == 0);

            // a change held back shows as lag: at least as old as the change
            assertEquals(200, ControlTesting.post(server, "/api/pause?stage=replication", null).statusCode());
            awaitStatus(server, run, body -> body.at("/replication/throttle/throttled").asBoolean());
            long beforeWrite = System.nanoTime();
            db.executeOnSource("INSERT INTO items VALUES (2000, 'held back')");
            JsonNode behind = awaitStatus(server, run, body -> body.at("/replication/lagSeconds").asDouble() >= 2);
            // the binlog timestamp is whole seconds: the lag may exceed the change's age by less than 1 s, never more
            double ageBound = (System.nanoTime() - beforeWrite) / 1e9 + 1;
            assertTrue(behind.at("/replication/lagSeconds").asDouble() <= ageBound,
                    "lag " + behind.at("/replication/lagSeconds") + " s, but the change is at most " + ageBound + " s old");
            assertEquals(0, db.target().queryLong("SELECT COUNT(*) FROM " + table + " WHERE id = 2000"), "not applied while paused");
            double metricLag = sample(ControlTesting.get(server, "/metrics").body(), "ferry_replication_lag_seconds");
            assertTrue(metricLag >= 2, "the gauge shows the same lag: " + metricLag);

            // released: applied, and the lag is back to 0
            assertEquals(200, ControlTesting.post(server, "/api/unpause?stage=replication", null).statusCode());
            JsonNode caughtUp = awaitStatus(server, run, body -> body.at("/replication/lagSeconds").isNumber() && body.at("/replication/lagSeconds").asDouble() == 0);
            assertEquals(1, db.target().queryLong("SELECT COUNT(*) FROM " + table + " WHERE id = 2000"), caughtUp.toString());

            HttpResponse<String> response = ControlTesting.get(server, "/metrics");
            assertEquals(200, response.statusCode());
            String text = response.body();
            String checked = promtoolCheck(promtool, text);
            assertEquals("", checked, "promtool check metrics found problems in\n" + text);

            assertEquals(0.0, sample(text, "ferry_replication_lag_seconds"), text);
            // 350 rows in batches of 100: at least 4 copy batches
            assertTrue(sample(text, "ferry_copy_batch_duration_seconds_count") >= 4, text);
            assertTrue(sample(text, "ferry_copy_batch_duration_seconds_sum") > 0, text);
            assertTrue(text.contains("\nferry_copy_batch_duration_seconds_bucket{le=\"+Inf\"} "), text);
            assertTrue(sample(text, "ferry_apply_batch_duration_seconds_count") >= 2, text);
            assertTrue(sample(text, "ferry_apply_batch_duration_seconds_sum") > 0, text);
            assertTrue(text.contains("\nferry_apply_batch_duration_seconds_bucket{le=\"0.001\"} "), text);
            assertTrue(text.contains("# TYPE ferry_copy_batch_duration_seconds histogram\n"), text);
            assertTrue(text.contains("# TYPE ferry_apply_batch_duration_seconds histogram\n"), text);
            assertEquals(350, sample(text, "ferry_copy_rows_total"), text);
            assertTrue(sample(text, "ferry_apply_events_total") >= 21, text);
            // lag >= 2 s on a whole-second timestamp: the change waited more than 1 s, less a few ms to reach the applier
            assertTrue(sample(text, "ferry_apply_throttled_seconds_total") >= 0.5, "the applier waited while paused: " + text);
            assertEquals(350, sample(text, "ferry_table_rows_copied_total{table=\"" + table + "\"}"), text);
            assertTrue(sample(text, "process_cpu_seconds_total") > 0, text);
            assertTrue(sample(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0, text);

            assertEquals(202, ControlTesting.post(server, "/api/stop", null).statusCode());
            assertEquals(FerryPhase.STOPPED, run.get(60, TimeUnit.SECONDS).phase());
        }
        finally {
            executor.shutdownNow();
        }
    }

    /**
     * The value of the one sample {@code series} (name and labels as written) on the page.
     */
    private static double sample(String text, String series)
    {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        if (!matcher.find()) {
            fail(series + " is not on the page:\n" + text);
        }
        return Double.parseDouble(matcher.group(1));
    }

    /**
     * What {@code promtool check metrics} says about {@code text}: empty when it passes.
     */
    private static String promtoolCheck(Path promtool, String text)
            throws IOException, InterruptedException
    {
        Path page = Files.createTempFile("ferry-metrics", ".prom");
        Path output = Files.createTempFile("ferry-promtool", ".txt");
        try {
            Files.writeString(page, text, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(promtool.toString(), "check", "metrics")
                    .redirectInput(page.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(PROMTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("promtool check metrics did not finish within " + PROMTOOL_TIMEOUT_SECONDS + "s");
            }
            String said = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0 && said.isEmpty()) {
                return "exit code " + process.exitValue();
            }
            return said;
        }
        finally {
            Files.deleteIfExists(page);
            Files.deleteIfExists(output);
        }
    }

    private static Path promtool()
    {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("FERRY_PROMTOOL")).filter(path -> !path.isBlank()).ifPresent(candidates::add);
        for (String directory : Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, "promtool").toString());
            }
        }
        candidates.add("/usr/bin/promtool");
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        throw new AssertionError("promtool is not installed, so /metrics cannot be checked: install it with "
                + "`apt-get install -y --no-install-recommends prometheus` (Debian; scripts/test does so), or set FERRY_PROMTOOL to a "
                + "promtool binary. Looked for: " + candidates);
    }
}
