package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every endpoint of the control server over a real socket, against a real run that waits for
 * its cutover command.
 */
@RealServers
class ControlServerIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-token-9f8e7d6c";
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(90);

    /**
     * Verifies instantly, except when armed: then the next verification waits for the latch.
     */
    private static final class GatedVerifier
            implements Verifier
    {
        private final AtomicBoolean armed = new AtomicBoolean();
        private final CountDownLatch release = new CountDownLatch(1);

        @Override
        public VerificationResult verifyBeforeCutover()
                throws InterruptedException
        {
            if (armed.getAndSet(false)) {
                release.await();
                return VerificationResult.match("gated check passed");
            }
            return VerificationResult.notRun("no verification before cutover");
        }

        @Override
        public VerificationResult verifyAtCutover()
        {
            return VerificationResult.match("equal at cutover");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyEndpointDuringARealRun(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq) FROM seq_1_to_500");
        BlockingQueue<String> progressPosts = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            try (exchange) {
                progressPosts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        RecordingThrottler copyThrottler = new RecordingThrottler();
        RecordingThrottler replicationThrottler = new RecordingThrottler();
        GatedVerifier verifier = new GatedVerifier();
        String yaml = ControlTesting.config(db.servers(), db.name(), "copy:\n  batchSize: 100\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n"
                + "progress:\n  interval: 200ms\n  callback:\n    url: http://127.0.0.1:" + receiver.getAddress().getPort() + "/progress\n"
                + "  payload: {migration: control-it}\n");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<String> bodies = new ArrayList<>();
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml,
                plugins -> ControlTesting.withVerifier(ControlTesting.withThrottlers(plugins, List.of(copyThrottler), List.of(replicationThrottler)), verifier));
                ControlServer server = new ControlServer(ferry);
                ProgressReporter reporter = new ProgressReporter(ferry)) {
            server.start();
            reporter.start();
            Future<RunResult> run = executor.submit(ferry::run);
            JsonNode status = awaitStatus(server, run, body -> body.get("phase").asText().equals("waiting-for-cutover"));
            String table = db.name() + ".items";

            // GET /api/status
            assertEquals(1, status.get("tables").size(), status.toString());
            JsonNode items = status.get("tables").get(0);
            assertEquals(table, items.get("table").asText());
            assertEquals(table, items.get("target").asText());
            assertEquals("done", items.get("phase").asText());
            assertEquals(500, items.get("rowsCopied").asLong());
            assertEquals(100.0, items.get("percent").asDouble());
            assertEquals(500, status.at("/copy/rowsCopied").asLong());
            assertEquals(1, status.at("/copy/tablesDone").asInt());
            assertTrue(status.at("/replication/started").asBoolean());
            assertTrue(status.at("/replication/appliedPosition").asText().matches(".+:\\d+.*"), status.toString());
            assertTrue(status.at("/replication/stateAgeSeconds").isNumber());
            assertEquals(0, status.at("/replication/queued").asInt());
            assertEquals("none", status.at("/verification/verifier").asText());
            assertEquals("NOT_RUN", status.at("/verification/last/status").asText());
            assertTrue(status.at("/health/healthy").asBoolean());

            // GET /
            HttpResponse<String> page = ControlTesting.get(server, "/");
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(page.body().contains("<td class=\"table-name\">" + table + "</td>"), page.body());
            assertTrue(page.body().contains("data-rows-copied=\"500\""), page.body());
            assertTrue(page.body().contains("<span id=\"phase\" class=\"badge phase-waiting-for-cutover\">waiting-for-cutover</span>"), page.body());
            bodies.add(page.body());

            // GET /metrics
            HttpResponse<String> metrics = ControlTesting.get(server, "/metrics");
            assertEquals(200, metrics.statusCode());
            String text = metrics.body();
            assertTrue(text.contains("# TYPE ferry_copy_rows_total counter\nferry_copy_rows_total 500.0\n"), text);
            assertTrue(text.contains("ferry_table_rows_copied_total{table=\"" + table + "\"} 500.0\n"), text);
            assertTrue(text.contains("ferry_phase{phase=\"waiting-for-cutover\"} 1.0\n"), text);
            assertTrue(text.contains("# TYPE ferry_applier_state_age_seconds gauge\nferry_applier_state_age_seconds "), text);
            assertTrue(text.contains("ferry_applier_queued 0.0\n"), text);
            assertTrue(text.contains("# TYPE ferry_apply_events_total counter\n"), text);
            bodies.add(text);

            // GET /api/health
            HttpResponse<String> health = ControlTesting.get(server, "/api/health");
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(JSON.readTree(health.body()).get("healthy").asBoolean());

            // 404, 405
            assertEquals(404, ControlTesting.get(server, "/api/statuz").statusCode());
            HttpResponse<String> wrongMethod = ControlTesting.get(server, "/api/pause");
            assertEquals(405, wrongMethod.statusCode());
            assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());

            // a missing or wrong token changes nothing
            assertEquals(401, ControlTesting.post(server, "/api/pause", null).statusCode());
            assertEquals(401, ControlTesting.post(server, "/api/pause", "not-" + TOKEN).statusCode());
            assertEquals(401, ControlTesting.post(server, "/api/cutover", null).statusCode());
            assertEquals(401, ControlTesting.post(server, "/api/stop", "not-" + TOKEN).statusCode());
            assertEquals(401, ControlTesting.post(server, "/api/verify", null).statusCode());
            Thread.sleep(1000);
            assertEquals(List.of(), copyThrottler.commands());
            assertEquals(List.of(), replicationThrottler.commands());
            assertEquals(FerryPhase.WAITING_FOR_CUTOVER, ferry.phase());
            assertFalse(run.isDone());

            // POST /api/pause?stage=replication holds binlog events back until /api/unpause
            HttpResponse<String> pause = ControlTesting.post(server, "/api/pause?stage=replication", TOKEN);
            assertEquals(200, pause.statusCode(), pause.body());
            assertEquals(List.of("pause"), replicationThrottler.commands());
            assertEquals(List.of(), copyThrottler.commands());
            db.executeOnSource("INSERT INTO items VALUES (501, 'while paused')");
            // the built-in pauser and the configured one both hold the stage; status names the first
            JsonNode paused = awaitStatus(server, run, body -> body.at("/replication/throttle/reason").asText().equals("replication paused from the control API")
                    && body.at("/replication/throttle/throttlers/1/reason").asText().equals("recording: paused"));
            assertTrue(paused.at("/replication/throttle/throttled").asBoolean());
            Thread.sleep(1000);
            assertEquals(500, db.target().queryLong("SELECT COUNT(*) FROM " + db.name() + ".items"), "nothing is applied while paused");
            assertEquals(200, ControlTesting.post(server, "/api/unpause", TOKEN).statusCode());
            assertEquals(List.of("pause", "unpause"), replicationThrottler.commands());
            assertEquals(List.of("unpause"), copyThrottler.commands());
            awaitStatus(server, run, body -> !body.at("/replication/throttle/throttled").asBoolean() && body.at("/replication/eventsApplied").asLong() >= 1);
            assertEquals(501, db.target().queryLong("SELECT COUNT(*) FROM " + db.name() + ".items"));

            // POST /api/verify runs in the background, one at a time
            verifier.armed.set(true);
            HttpResponse<String> verify = ControlTesting.post(server, "/api/verify", TOKEN);
            assertEquals(202, verify.statusCode(), verify.body());
            JsonNode running = awaitStatus(server, run, body -> body.at("/verification/requested/running").asBoolean());
            assertTrue(running.at("/verification/requested/startedAt").isTextual());
            HttpResponse<String> again = ControlTesting.post(server, "/api/verify", TOKEN);
            assertEquals(409, again.statusCode());
            assertTrue(JSON.readTree(again.body()).get("error").asText().startsWith("a requested verification is still running"), again.body());
            verifier.release.countDown();
            JsonNode verified = awaitStatus(server, run, body -> !body.at("/verification/requested/running").asBoolean());
            assertEquals("MATCH", verified.at("/verification/requested/result/status").asText(), verified.toString());
            assertEquals("gated check passed", verified.at("/verification/requested/result/message").asText());
            HttpResponse<String> statusPage = ControlTesting.get(server, "/");
            assertTrue(statusPage.body().contains("<span id=\"verification-requested-result\" class=\"ok\">MATCH</span> gated check passed"), statusPage.body());
            bodies.add(statusPage.body());
            bodies.add(ControlTesting.get(server, "/api/status").body());

            // the progress callback got the status with the custom payload
            boolean sawWaiting = false;
            for (String post = progressPosts.poll(5, TimeUnit.SECONDS); post != null && !sawWaiting; post = progressPosts.poll(5, TimeUnit.SECONDS)) {
                JsonNode body = JSON.readTree(post);
                assertEquals("control-it", body.at("/customPayload/migration").asText(), post);
                sawWaiting = body.get("phase").asText().equals("waiting-for-cutover") && body.at("/copy/rowsCopied").asLong() == 500;
                bodies.add(post);
            }
            assertTrue(sawWaiting, "a progress report of the waiting run arrives");

            // POST /api/cutover ends the run
            HttpResponse<String> cutover = ControlTesting.post(server, "/api/cutover", TOKEN);
            assertEquals(202, cutover.statusCode(), cutover.body());
            RunResult result = run.get(60, TimeUnit.SECONDS);
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            db.assertTargetEqualsSource();
            assertEquals(409, ControlTesting.post(server, "/api/cutover", TOKEN).statusCode());
            assertEquals(409, ControlTesting.post(server, "/api/stop", TOKEN).statusCode());
            JsonNode done = JSON.readTree(ControlTesting.get(server, "/api/status").body());
            assertEquals("done", done.get("phase").asText());
            assertEquals("MATCH", done.at("/verification/last/status").asText());
            assertEquals(200, ControlTesting.get(server, "/api/health").statusCode());

            for (String body : bodies) {
                assertFalse(body.contains(TOKEN), "the token leaked: " + body);
                assertFalse(body.contains(db.source().password()) || body.contains(db.target().password()), "a password leaked: " + body);
            }
        }
        finally {
            executor.shutdownNow();
            receiver.stop(0);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void healthFailsWhileTheApplierStateIsStale(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq) FROM seq_1_to_50");
        String yaml = ControlTesting.config(db.servers(), db.name(), "cutover:\n  automatic: false\n"
                + "replication:\n  heartbeat: 60s\n"
                + "control:\n  bind: 127.0.0.1:0\n  maxStateAge: 2s\n");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml, plugins -> plugins);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> run = executor.submit(ferry::run);
            awaitStatus(server, run, body -> body.get("phase").asText().equals("waiting-for-cutover"));

            HttpResponse<String> stale = awaitHealth(server, 500);
            JsonNode body = JSON.readTree(stale.body());
            assertFalse(body.get("healthy").asBoolean());
            assertEquals(2.0, body.get("maxStateAgeSeconds").asDouble());
            assertTrue(body.get("stateAgeSeconds").asDouble() > 2.0, stale.body());
            assertTrue(body.get("reason").asText().contains("more than control.maxStateAge 2.0s"), stale.body());
            assertTrue(ControlTesting.get(server, "/metrics").body().contains("ferry_healthy 0.0\n"));

            // a binlog event moves the applier again
            db.executeOnSource("INSERT INTO items VALUES (51, 'wake up')");
            awaitHealth(server, 200);

            assertEquals(202, ControlTesting.post(server, "/api/stop", null).statusCode());
            assertEquals(FerryPhase.STOPPED, run.get(60, TimeUnit.SECONDS).phase());
        }
        finally {
            executor.shutdownNow();
        }
    }

    private static HttpResponse<String> awaitHealth(ControlServer server, int status)
            throws Exception
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            HttpResponse<String> response = ControlTesting.get(server, "/api/health");
            if (response.statusCode() == status) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                fail("/api/health did not answer " + status + " within 20s; last: " + response.statusCode() + " " + response.body());
            }
            Thread.sleep(200);
        }
    }

    /**
     * Polls {@code GET /api/status} until {@code condition} holds.
     */
    static JsonNode awaitStatus(ControlServer server, Future<RunResult> run, Predicate<JsonNode> condition)
            throws Exception
    {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (true) {
            HttpResponse<String> response = ControlTesting.get(server, "/api/status");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = JSON.readTree(response.body());
            if (condition.test(body)) {
                return body;
            }
            if (run.isDone()) {
                fail("the run ended before the status matched: " + run.get() + "; last status " + body);
            }
            if (System.nanoTime() > deadline) {
                fail("the status did not match within " + PHASE_TIMEOUT + "; last: " + body);
            }
            Thread.sleep(100);
        }
    }
}
