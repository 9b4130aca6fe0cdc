package dev.ferry.plugins.throttlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.control.ControlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A copy held by {@code throttlers.copy: [{type: pauser, paused: true}]} makes no progress until
 * {@code POST /api/unpause} on the control server, then finishes and cuts over.
 */
@RealServers
class PausedCopyIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String TOKEN = "paused-copy-token";

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void pausedCopyWaitsForUnpause(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq) FROM seq_1_to_2000");
        String yaml = TestingRun.config(db.servers(), db.name(), "copy:\n  batchSize: 100\n"
                + "throttlers:\n  copy:\n    - type: pauser\n      paused: true\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = TestingRun.create(db.servers(), yaml);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> run = executor.submit(ferry::run);
            JsonNode waiting = awaitStatus(server, run, status -> status.get("phase").asText().equals("copying")
                    && status.at("/copy/throttle/reason").asText().equals("paused by operator")
                    && status.get("tables").size() == 1);
            assertEquals("copying", waiting.get("phase").asText());
            // the built-in pauser comes first; the configured one holds the copy
            assertEquals("built-in", waiting.at("/copy/throttle/throttlers/0/type").asText());
            assertEquals("pauser", waiting.at("/copy/throttle/throttlers/1/type").asText());

            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                JsonNode status = status(server);
                assertEquals(0, status.at("/copy/rowsCopied").asLong(), status.toString());
                assertTrue(status.at("/copy/throttle/throttled").asBoolean(), status.toString());
                Thread.sleep(200);
            }
            assertEquals(0, db.target().queryLong("SELECT COUNT(*) FROM " + db.name() + ".items"));

            assertEquals(401, post(server, "/api/unpause", null).statusCode());
            Thread.sleep(500);
            assertEquals(0, status(server).at("/copy/rowsCopied").asLong());

            HttpResponse<String> unpause = post(server, "/api/unpause", TOKEN);
            assertEquals(200, unpause.statusCode(), unpause.body());
            // every pauser of both stages answers: the built-in ones and the configured one
            assertEquals("[{\"stage\":\"copy\",\"type\":\"built-in\",\"throttled\":false,\"reason\":\"\"},"
                            + "{\"stage\":\"copy\",\"type\":\"pauser\",\"throttled\":false,\"reason\":\"\"},"
                            + "{\"stage\":\"replication\",\"type\":\"built-in\",\"throttled\":false,\"reason\":\"\"}]",
                    JSON.readTree(unpause.body()).get("throttlers").toString());

            JsonNode copied = awaitStatus(server, run, status -> status.get("phase").asText().equals("waiting-for-cutover"));
            assertEquals(2000, copied.at("/copy/rowsCopied").asLong());
            assertFalse(copied.at("/copy/throttle/throttled").asBoolean());
            assertTrue(ferry.metrics().timeSpent("copy_throttled", "").seconds() >= 2.0, "the copy waited for the pauser");

            assertEquals(202, post(server, "/api/cutover", TOKEN).statusCode());
            RunResult result = run.get(60, TimeUnit.SECONDS);
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            db.assertTargetEqualsSource();
        }
        finally {
            executor.shutdownNow();
        }
    }

    private static JsonNode status(ControlServer server)
            throws Exception
    {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(server.uri().resolve("/api/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(ControlServer server, String path, String token)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitStatus(ControlServer server, Future<RunResult> run, Predicate<JsonNode> condition)
            throws Exception
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode status = status(server);
            if (condition.test(status)) {
                return status;
            }
            if (run.isDone()) {
                fail("the run ended first: " + run.get() + "; last status " + status);
            }
            if (System.nanoTime() > deadline) {
                fail("no matching status within 90s; last: " + status);
            }
            Thread.sleep(100);
        }
    }
}
