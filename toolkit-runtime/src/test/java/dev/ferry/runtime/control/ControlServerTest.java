package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.core.FerryPhase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP contract of the control server over a real socket, on a run that is never started
 * (no database needed). {@code ControlServerIT} covers a real run.
 */
class ControlServerTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "control-token-1234";

    private final RecordingThrottler copyThrottler = new RecordingThrottler();
    private final RecordingThrottler replicationThrottler = new RecordingThrottler();
    private Ferry ferry;
    private ControlServer server;

    private ControlServer start(String control)
    {
        ferry = ControlTesting.offline(control, plugins -> ControlTesting.withThrottlers(plugins, List.of(copyThrottler), List.of(replicationThrottler)));
        server = new ControlServer(ferry);
        server.start();
        return server;
    }

    @AfterEach
    void close()
    {
        if (server != null) {
            server.close();
        }
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void bindsAFreePortWhenAskedForPortZero()
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        assertTrue(server.port() > 0);
        assertEquals("http://127.0.0.1:" + server.port() + "/", server.uri().toString());
    }

    @Test
    void aTakenPortIsAClearError()
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        Ferry second = ControlTesting.offline("control:\n  bind: 127.0.0.1:" + server.port() + "\n", plugins -> plugins);
        try (ControlServer clash = new ControlServer(second)) {
            RuntimeException e = assertThrows(RuntimeException.class, clash::start);
            assertTrue(e.getMessage().startsWith("cannot start the control server on 127.0.0.1:" + server.port() + " (control.bind): "), e.getMessage());
        }
        finally {
            second.close();
        }
    }

    @Test
    void unknownPathsAre404()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        HttpResponse<String> response = ControlTesting.get(server, "/api/nope");
        assertEquals(404, response.statusCode());
        assertTrue(JSON.readTree(response.body()).get("error").asText().startsWith("no endpoint /api/nope; endpoints: GET /,"), response.body());
        assertEquals(404, ControlTesting.get(server, "/api/status/").statusCode());
        assertEquals(404, ControlTesting.post(server, "/index.html", null).statusCode());
    }

    @Test
    void wrongMethodsAre405WithAllow()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        HttpResponse<String> get = ControlTesting.get(server, "/api/cutover");
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> post = ControlTesting.post(server, "/api/status", null);
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> delete = ControlTesting.send(server, "DELETE", "/metrics", Map.of());
        assertEquals(405, delete.statusCode());
        assertEquals("GET, HEAD", delete.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void headAnswersLikeGetWithoutABody()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        HttpResponse<String> head = ControlTesting.send(server, "HEAD", "/api/status", Map.of());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("application/json; charset=utf-8", head.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void postsNeedTheBearerTokenAndChangeNothingWithoutIt()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        for (String path : List.of("/api/pause", "/api/unpause", "/api/cutover", "/api/stop", "/api/verify")) {
            HttpResponse<String> missing = ControlTesting.post(server, path, null);
            assertEquals(401, missing.statusCode(), path);
            assertEquals("Bearer realm=\"ferry\"", missing.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertTrue(missing.body().contains("missing bearer token"), missing.body());
            HttpResponse<String> wrong = ControlTesting.post(server, path, TOKEN + "x");
            assertEquals(401, wrong.statusCode(), path);
            assertTrue(wrong.body().contains("wrong bearer token"), wrong.body());
            assertFalse(wrong.body().contains(TOKEN), "the token must never be echoed");
            HttpResponse<String> basic = ControlTesting.send(server, "POST", path, Map.of("Authorization", "Basic " + TOKEN));
            assertEquals(401, basic.statusCode(), path);
        }
        assertEquals(List.of(), copyThrottler.commands());
        assertEquals(List.of(), replicationThrottler.commands());
        assertEquals(FerryPhase.STARTING, ferry.phase());
        assertEquals(200, ControlTesting.get(server, "/api/status").statusCode(), "GETs need no token");

        assertEquals(200, ControlTesting.post(server, "/api/pause", TOKEN).statusCode());
        assertEquals(List.of("pause"), copyThrottler.commands());
    }

    @Test
    void postsFromAnotherWebOriginAreRefused()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        HttpResponse<String> response = ControlTesting.send(server, "POST", "/api/pause", Map.of("Origin", "https://evil.example"));
        assertEquals(403, response.statusCode());
        assertEquals(List.of(), copyThrottler.commands());
        HttpResponse<String> sameOrigin = ControlTesting.send(server, "POST", "/api/pause", Map.of("Origin", "http://127.0.0.1:" + server.port()));
        assertEquals(200, sameOrigin.statusCode());
    }

    @Test
    void pauseAndUnpaseReachTheThrottlersOfTheChosenStages()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        HttpResponse<String> pause = ControlTesting.post(server, "/api/pause?stage=copy", null);
        assertEquals(200, pause.statusCode(), pause.body());
        JsonNode body = JSON.readTree(pause.body());
        assertEquals("pause", body.get("command").asText());
        assertEquals("[\"copy\"]", body.get("stages").toString());
        assertEquals("[{\"stage\":\"copy\",\"type\":\"built-in\",\"throttled\":true,\"reason\":\"copy paused from the control API\"},"
                + "{\"stage\":\"copy\",\"type\":\"throttler\",\"throttled\":true,\"reason\":\"recording: paused\"}]", body.get("throttlers").toString());
        assertTrue(copyThrottler.isThrottled());
        assertFalse(replicationThrottler.isThrottled());

        assertEquals(200, ControlTesting.post(server, "/api/pause", null).statusCode());
        assertTrue(replicationThrottler.isThrottled());
        JsonNode status = JSON.readTree(ControlTesting.get(server, "/api/status").body());
        assertEquals("copy paused from the control API", status.at("/copy/throttle/reason").asText());
        assertEquals("built-in", status.at("/copy/throttle/throttlers/0/type").asText());
        assertEquals("recording: paused", status.at("/copy/throttle/throttlers/1/reason").asText());
        assertTrue(status.at("/replication/throttle/throttled").asBoolean());

        assertEquals(200, ControlTesting.post(server, "/api/unpause?stage=replication", null).statusCode());
        assertFalse(replicationThrottler.isThrottled());
        assertTrue(copyThrottler.isThrottled());
        assertEquals(200, ControlTesting.post(server, "/api/unpause", null).statusCode());
        assertFalse(copyThrottler.isThrottled());
        assertEquals(List.of("pause", "pause", "unpause"), copyThrottler.commands());
        assertEquals(List.of("pause", "unpause", "unpause"), replicationThrottler.commands());
    }

    @Test
    void badStagesAre400()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        HttpResponse<String> response = ControlTesting.post(server, "/api/pause?stage=apply", null);
        assertEquals(400, response.statusCode());
        assertEquals("stage must be copy or replication (got \"apply\")", JSON.readTree(response.body()).get("error").asText());
        assertEquals(400, ControlTesting.post(server, "/api/pause?stages=copy", null).statusCode());
        assertEquals(List.of(), copyThrottler.commands());
    }

    @Test
    void pauseWithoutThrottlersUsesTheBuiltInPauser()
            throws Exception
    {
        ferry = ControlTesting.offline("control:\n  bind: 127.0.0.1:0\n", plugins -> plugins);
        server = new ControlServer(ferry);
        server.start();
        HttpResponse<String> response = ControlTesting.post(server, "/api/pause?stage=replication", null);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(ferry.tuning().pauser("replication").isThrottled());
        assertFalse(ferry.tuning().pauser("copy").isThrottled());
        JsonNode status = JSON.readTree(ControlTesting.get(server, "/api/status").body());
        assertEquals("replication paused from the control API", status.at("/replication/throttle/reason").asText());
        assertEquals(200, ControlTesting.post(server, "/api/unpause", null).statusCode());
        assertFalse(ferry.tuning().pauser("replication").isThrottled());
    }

    @Test
    void tuneChangesTheRunningValuesOrSays400WithTheKey()
            throws Exception
    {
        ferry = ControlTesting.offline("control:\n  bind: 127.0.0.1:0\ncopy:\n  batchSize: 100\n  concurrency: 3\n", plugins -> plugins);
        server = new ControlServer(ferry);
        server.start();
        HttpResponse<String> tuned = ControlTesting.postJson(server, "/api/tune",
                "{\"copy\": {\"batchSize\": 40, \"concurrency\": 2, \"rowsPerSecond\": 900}, \"replication\": {\"batchSize\": 25}}");
        assertEquals(200, tuned.statusCode(), tuned.body());
        JsonNode status = JSON.readTree(ControlTesting.get(server, "/api/status").body());
        assertEquals("{\"copyBatchSize\":40,\"copyConcurrency\":2,\"maxCopyConcurrency\":3,\"replicationBatchSize\":25,\"copyRowsPerSecond\":900}",
                status.get("tuning").toString());

        HttpResponse<String> bad = ControlTesting.postJson(server, "/api/tune", "{\"copy\": {\"batchSize\": 0}}");
        assertEquals(400, bad.statusCode());
        JsonNode error = JSON.readTree(bad.body());
        assertEquals("POST /api/tune: copy.batchSize: must be between 1 and 100000 (got 0)", error.get("error").asText());
        assertEquals("copy.batchSize", error.at("/problems/0/key").asText());
        assertEquals(40, ferry.tuning().values().copyBatchSize(), "a refused request changed the values");
    }

    @Test
    void cutoverAndStopAreAcceptedUntilTheRunEnds()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n");
        HttpResponse<String> cutover = ControlTesting.post(server, "/api/cutover", null);
        assertEquals(202, cutover.statusCode());
        assertEquals("requested", JSON.readTree(cutover.body()).get("cutover").asText());
        HttpResponse<String> stop = ControlTesting.post(server, "/api/stop", null);
        assertEquals(202, stop.statusCode());
    }

    @Test
    void cutoverIsRefusedWhenDisabled()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\ncutover:\n  disabled: true\n");
        HttpResponse<String> cutover = ControlTesting.post(server, "/api/cutover", null);
        assertEquals(409, cutover.statusCode());
        assertTrue(cutover.body().contains("cutover.disabled"), cutover.body());
    }

    @Test
    void verifyIsRefusedBeforeTheCopyStarts()
            throws Exception
    {
        ferry = ControlTesting.offline("control:\n  bind: 127.0.0.1:0\n", plugins -> ControlTesting.withVerifier(plugins, new Verifier()
        {
            @Override
            public VerificationResult verifyAtCutover()
            {
                return VerificationResult.match("fine");
            }
        }));
        server = new ControlServer(ferry);
        server.start();
        HttpResponse<String> response = ControlTesting.post(server, "/api/verify", null);
        assertEquals(409, response.statusCode());
        assertEquals("verification can be requested while copying or waiting for the cutover, not while starting",
                JSON.readTree(response.body()).get("error").asText());
    }

    @Test
    void statusHealthAndMetricsOfARunThatHasNotStarted()
            throws Exception
    {
        start("control:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        HttpResponse<String> status = ControlTesting.get(server, "/api/status");
        assertEquals(200, status.statusCode());
        JsonNode body = JSON.readTree(status.body());
        assertEquals("starting", body.get("phase").asText());
        assertEquals(0, body.get("tables").size());
        assertFalse(body.at("/replication/started").asBoolean());
        assertEquals("none", body.at("/verification/verifier").asText());
        assertTrue(body.at("/health/healthy").asBoolean());
        // the servers as the operator knows them, and nothing more: no password or connection parameters
        assertEquals("{\"host\":\"127.0.0.1\",\"port\":9,\"user\":\"ferry\"}", body.at("/servers/source").toString());
        assertEquals("{\"host\":\"127.0.0.1\",\"port\":10,\"user\":\"ferry\"}", body.at("/servers/target").toString());
        assertEquals(ferry.startedAt().truncatedTo(ChronoUnit.MILLIS).toString(), body.get("startedAt").asText());
        assertTrue(body.get("elapsedSeconds").asDouble() >= 0, status.body());

        HttpResponse<String> health = ControlTesting.get(server, "/api/health");
        assertEquals(200, health.statusCode());
        assertTrue(JSON.readTree(health.body()).get("healthy").asBoolean());

        HttpResponse<String> metrics = ControlTesting.get(server, "/metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(metrics.body().contains("ferry_phase{phase=\"starting\"} 1.0\n"), metrics.body());
        // nothing streamed yet: no lag to tell
        assertTrue(body.at("/replication/lagSeconds").isNull(), body.toString());
        assertFalse(metrics.body().contains("ferry_replication_lag_seconds"), metrics.body());

        HttpResponse<String> page = ControlTesting.get(server, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("No table planned yet."), page.body());
        assertTrue(page.body().contains("<span id=\"source\">127.0.0.1:9</span> as <span id=\"source-user\">ferry</span>"), page.body());
        assertTrue(page.body().contains("<body data-token-required=\"true\" data-cutover-disabled=\"false\">"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'nonce-"));

        for (HttpResponse<String> response : List.of(status, health, metrics, page)) {
            assertFalse(response.body().contains(TOKEN), "no token in " + response.uri());
            assertFalse(response.body().contains(ControlTesting.SOURCE_PASSWORD), "no password in " + response.uri());
            assertFalse(response.body().contains(ControlTesting.TARGET_PASSWORD), "no password in " + response.uri());
        }
    }
}
