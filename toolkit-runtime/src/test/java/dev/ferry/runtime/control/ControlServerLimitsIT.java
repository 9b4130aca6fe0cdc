package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.state.StateStore;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control server's health tells when the run's state cannot be saved. (That slow clients
 * cannot freeze it is tested on the real command line, {@code distribution}'s
 * {@code SlowControlClientsIT}: the JDK server reads its limits once per JVM.)
 */
@RealServers
class ControlServerLimitsIT
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void healthFailsWhileTheStateCannotBeSavedAndRecovers(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq) FROM seq_1_to_50");
        String yaml = ControlTesting.config(db.servers(), db.name(), "cutover:\n  automatic: false\n"
                + "state:\n  type: testing-memory\n  checkpointInterval: 200ms\n"
                + "control:\n  bind: 127.0.0.1:0\n");
        BreakableStore store = new BreakableStore();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml, plugins -> withStore(plugins, store));
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> run = executor.submit(ferry::run);
            ControlServerIT.awaitStatus(server, run, body -> body.get("phase").asText().equals("waiting-for-cutover"));
            JsonNode healthy = awaitHealth(server, body -> body.get("healthy").asBoolean() && body.get("savedStateAgeSeconds").isNumber());
            assertTrue(healthy.get("stateSaveError").isNull(), healthy.toString());

            store.broken.set(true);
            JsonNode failing = awaitHealth(server, body -> !body.get("healthy").asBoolean());
            String reason = failing.get("reason").asText();
            assertTrue(reason.startsWith("cannot save the state to breakable test store: disk full (testing)"), reason);
            assertTrue(reason.contains("fix the state store"), reason);
            assertEquals("disk full (testing)", failing.get("stateSaveError").asText());
            assertTrue(failing.get("savedStateAgeSeconds").isNumber(), failing.toString());
            assertEquals(500, ControlTesting.get(server, "/api/health").statusCode());

            store.broken.set(false);
            JsonNode recovered = awaitHealth(server, body -> body.get("healthy").asBoolean());
            assertTrue(recovered.get("stateSaveError").isNull(), recovered.toString());

            assertEquals(202, ControlTesting.post(server, "/api/stop", null).statusCode());
            assertEquals(FerryPhase.STOPPED, run.get(60, TimeUnit.SECONDS).phase());
        }
        finally {
            executor.shutdownNow();
        }
    }

    private static JsonNode awaitHealth(ControlServer server, Predicate<JsonNode> condition)
            throws Exception
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = JSON.readTree(ControlTesting.get(server, "/api/health").body());
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("health never met the condition; last: " + last);
    }

    private static PipelinePlugins withStore(PipelinePlugins plugins, StateStore store)
    {
        return new PipelinePlugins(plugins.config(), plugins.tableFilter(), plugins.copyFilter(), plugins.verifier(), plugins.copyThrottlers(),
                plugins.replicationThrottlers(), Optional.of(store));
    }

    /**
     * Keeps the state in memory and fails every write while {@link #broken} is set, as a full disk would.
     */
    private static final class BreakableStore
            implements StateStore
    {
        final AtomicBoolean broken = new AtomicBoolean();
        private final AtomicReference<String> document = new AtomicReference<>();

        @Override
        public Optional<String> read()
        {
            return Optional.ofNullable(document.get());
        }

        @Override
        public void write(String state)
        {
            if (broken.get()) {
                throw new IllegalStateException("disk full (testing)");
            }
            document.set(state);
        }

        @Override
        public String describe()
        {
            return "breakable test store";
        }
    }
}
