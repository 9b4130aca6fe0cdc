package dev.ferry.runtime.online;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.control.ControlServer;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18: {@code POST /api/tune} and the built-in pauser on a running copy while the source
 * takes writes: the cap holds the copy's rate down and shows in status, a pause stops it, and
 * after lifting the cap the move ends with the target equal to the source. No {@code pauser}
 * throttler is configured.
 */
@RealServers
class TuneWhileCopyingIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void tunedAndPausedWhileCopyingEndsEqual(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, n INT NOT NULL, payload MEDIUMBLOB)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq), 0, UNHEX(SHA2(seq, 256)) FROM seq_1_to_30000",
                "ANALYZE TABLE items");
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(),
                "copy:\n  batchSize: 100\n  concurrency: 2\n  rangeSize: 5000\n")
                .replace("control:\n  enabled: false\n", "control:\n  bind: \"127.0.0.1:0\"\n"));
                ControlServer control = new ControlServer(ferry)) {
            control.start();
            String base = control.uri().toString().replaceAll("/$", "");
            ExecutorService executor = Executors.newSingleThreadExecutor();
            // the cap is set before the copy starts, so that the 30,000 rows cannot be done before it bites
            assertEquals(200, post(base, "/api/tune", "{\"copy\": {\"rowsPerSecond\": 1000, \"batchSize\": 50, \"concurrency\": 1}}").statusCode());
            Future<RunResult> run = executor.submit(() -> ferry.run());
            Workload workload = new Workload(db.source(), db.name(), "items", 18, 2);
            workload.start();
            while (ferry.phase() != FerryPhase.COPYING && !run.isDone()) {
                Thread.sleep(50);
            }
            JsonNode status = status(base);
            assertEquals(50, status.at("/tuning/copyBatchSize").asInt(), status.toString());
            assertEquals(1, status.at("/tuning/copyConcurrency").asInt(), status.toString());
            assertEquals(1000, status.at("/tuning/copyRowsPerSecond").asLong(), status.toString());

            Thread.sleep(1000);
            long before = rowsCopied(base);
            Thread.sleep(2000);
            long capped = rowsCopied(base) - before;
            assertTrue(capped > 0 && capped <= 2600, "copied " + capped + " rows in 2 s under a 1000 rows/s cap");

            assertEquals(200, post(base, "/api/pause?stage=copy", "").statusCode());
            Thread.sleep(500);
            long paused = rowsCopied(base);
            Thread.sleep(1000);
            assertEquals(paused, rowsCopied(base), "the copy went on while paused");
            assertEquals("copy paused from the control API", status(base).at("/copy/throttle/reason").asText());

            HttpResponse<String> bad = post(base, "/api/tune", "{\"copy\": {\"concurrency\": 3}}");
            assertEquals(400, bad.statusCode(), bad.body());
            assertEquals("copy.concurrency", JSON.readTree(bad.body()).at("/problems/0/key").asText());

            assertEquals(200, post(base, "/api/tune", "{\"copy\": {\"rowsPerSecond\": 0, \"batchSize\": 400, \"concurrency\": 2}, "
                    + "\"replication\": {\"batchSize\": 20}}").statusCode());
            assertEquals(200, post(base, "/api/unpause", "").statusCode());
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(100);
            }
            assertEquals(400, status(base).at("/tuning/copyBatchSize").asInt());
            Thread.sleep(500);
            workload.stop();
            assertEquals(202, post(base, "/api/cutover", "").statusCode());
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        }
    }

    private static long rowsCopied(String base)
            throws Exception
    {
        return status(base).at("/copy/rowsCopied").asLong();
    }

    private static JsonNode status(String base)
            throws Exception
    {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String base, String path, String body)
            throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
