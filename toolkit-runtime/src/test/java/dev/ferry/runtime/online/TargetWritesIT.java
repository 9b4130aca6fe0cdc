package dev.ferry.runtime.online;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.control.ControlServer;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 15, item 1: rows changed on the target by someone other than ferry after the verifier
 * looked made the cutover report "all rows match". Now the run watches the target's binlog and
 * refuses the cutover, naming table and keys, whatever the verifier says; and its own writes
 * (copy, applier, replicated DDL) under a concurrent load on the source are not taken for
 * someone else's. Runs in-process with a control server, as an operator would: wait for
 * {@code waiting-for-cutover}, then {@code POST /api/cutover}. The built-in verifier plugins are
 * not visible here: {@code none} is the testing one, and "blind" is a verifier that, like
 * iterative and inline at cutover, looks only at keys the source's binlog changed (none here), so
 * it answers match; {@code distribution}'s {@code TargetWritesCliIT} runs the real plugins.
 */
@RealServers
class TargetWritesIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int ROWS = 2_000;

    /**
     * Says match at cutover without reading a row.
     */
    private static final class BlindVerifier
            implements Verifier
    {
        @Override
        public VerificationResult verifyAtCutover()
        {
            return VerificationResult.match("all rows match (0 keys re-verified)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none, cutover at once", "blind, cutover at once", "none, seen before cutover", "blind, seen before cutover"})
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void writesToTheTargetByOthersFailTheCutover(String run, TestDatabase db)
            throws Exception
    {
        boolean blind = run.startsWith("blind");
        boolean waitForStatus = run.endsWith("seen before cutover");
        db.executeOnSource(
                "CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, c VARCHAR(32) NOT NULL)",
                "INSERT INTO big SELECT seq, CONCAT('row-', seq) FROM seq_1_to_" + ROWS);
        String yaml = config(db, "copy:\n  batchSize: 200\n");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = create(db, yaml, blind ? new BlindVerifier() : null);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> result = executor.submit(ferry::run);
            JsonNode waiting = awaitStatus(server, result, status -> status.get("phase").asText().equals("waiting-for-cutover"));
            assertEquals("watched", waiting.at("/verification/targetWrites/watch").asText(), waiting.toString());
            assertEquals(0, waiting.at("/verification/targetWrites/writes").asLong(), waiting.toString());

            // someone else writes to the target: an update, a delete and an insert
            db.executeOnTarget(
                    "UPDATE big SET c = 'TAMPERED' WHERE id = 778",
                    "DELETE FROM big WHERE id = 779",
                    "INSERT INTO big VALUES (100001, 'intruder')");
            String table = db.name() + ".big";
            if (waitForStatus) {
                // the operator sees them before asking for the cutover
                JsonNode seen = awaitStatus(server, result, status -> status.at("/verification/targetWrites/writes").asLong() == 3);
                JsonNode written = seen.at("/verification/targetWrites/tables/0");
                assertEquals(table, written.get("table").asText(), seen.toString());
                assertEquals(List.of("(778)", "(779)", "(100001)"), JSON.convertValue(written.get("keys"), List.class), seen.toString());
                assertEquals(3, written.get("rows").asLong());
                HttpResponse<String> page = get(server, "/");
                assertTrue(page.body().contains("3 by others: the cutover will be refused"), page.body());
            }
            assertEquals(202, post(server, "/api/cutover").statusCode());
            RunResult outcome = result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(FerryPhase.FAILED, outcome.phase(), outcome.message());
            VerificationResult verification = outcome.verification();
            // what makes the command line exit with 4 (verification failed)
            assertTrue(verification.failed(), verification.toString());
            assertEquals(1, verification.mismatches().size(), verification.toString());
            VerificationResult.TableMismatch mismatch = verification.mismatches().get(0);
            assertEquals(table, mismatch.table().toString());
            assertEquals(List.of(key(778), key(779), key(100001)), mismatch.keys());
            assertTrue(mismatch.reason().contains("3 row changes, keys (778), (779), (100001)"), mismatch.reason());
            assertTrue(outcome.message().contains(table + " (written on the target by something other than this ferry run"), outcome.message());
            assertEquals(3, ferry.metrics().counter("target_foreign_writes", "").value());
            // nothing was handed over: the target still has the intruder's rows, the verifier did not run
            assertEquals(FerryPhase.FAILED, ferry.phase());
            assertEquals("TAMPERED", db.target().query("SELECT c FROM `" + db.name() + "`.big WHERE id = 778").get(0).get(0));
        }
        finally {
            executor.shutdownNow();
        }
    }

    /**
     * A write made while the cutover runs (here: by the application the before hook tells to stop)
     * is read after the final catch-up, before anything is handed over.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aWriteDuringTheCutoverIsCaughtAfterTheFinalCatchUp(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, c VARCHAR(32) NOT NULL)",
                "INSERT INTO big SELECT seq, CONCAT('row-', seq) FROM seq_1_to_500");
        List<String> hooks = new CopyOnWriteArrayList<>();
        HttpServer application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        application.createContext("/", exchange -> {
            try (exchange) {
                hooks.add(exchange.getRequestURI().getPath());
                if (exchange.getRequestURI().getPath().equals("/before")) {
                    db.executeOnTarget("UPDATE big SET c = 'last-minute' WHERE id = 42");
                }
                exchange.sendResponseHeaders(204, -1);
            }
        });
        application.start();
        String url = "http://127.0.0.1:" + application.getAddress().getPort();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = create(db, config(db, "cutover:\n  automatic: false\n  hooks:\n    before: {url: \"" + url + "/before\"}\n"
                + "    after: {url: \"" + url + "/after\"}\n"), null);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> result = executor.submit(ferry::run);
            awaitStatus(server, result, status -> status.get("phase").asText().equals("waiting-for-cutover"));
            assertEquals(202, post(server, "/api/cutover").statusCode());
            RunResult outcome = result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(FerryPhase.FAILED, outcome.phase(), outcome.message());
            assertTrue(outcome.verification().failed());
            assertEquals(List.of(key(42)), outcome.verification().mismatches().get(0).keys());
            // told to stop, never told the target is theirs
            assertEquals(List.of("/before"), hooks);
        }
        finally {
            application.stop(0);
            executor.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void schemaChangesOnTheTargetByOthersFailTheCutover(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, c VARCHAR(32) NOT NULL)",
                "CREATE TABLE small (id INT NOT NULL PRIMARY KEY)",
                "INSERT INTO big SELECT seq, CONCAT('row-', seq) FROM seq_1_to_300",
                "INSERT INTO small SELECT seq FROM seq_1_to_10");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = create(db, config(db, ""), null);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> result = executor.submit(ferry::run);
            awaitStatus(server, result, status -> status.get("phase").asText().equals("waiting-for-cutover"));
            db.executeOnTarget("ALTER TABLE big ADD INDEX by_c (c)", "TRUNCATE TABLE small");
            awaitStatus(server, result, status -> status.at("/verification/targetWrites/writes").asLong() == 2);
            assertEquals(202, post(server, "/api/cutover").statusCode());
            RunResult outcome = result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(FerryPhase.FAILED, outcome.phase(), outcome.message());
            List<VerificationResult.TableMismatch> mismatches = outcome.verification().mismatches();
            assertEquals(List.of(db.name() + ".big", db.name() + ".small"), mismatches.stream().map(m -> m.table().toString()).toList());
            assertTrue(mismatches.get(0).reason().contains("1 statement (ALTER TABLE big ADD INDEX by_c (c))"), mismatches.get(0).reason());
            assertTrue(mismatches.get(1).reason().contains("1 statement (TRUNCATE TABLE small)"), mismatches.get(1).reason());
        }
        finally {
            executor.shutdownNow();
        }
    }

    /**
     * No false positive: the copy (LOAD DATA, or server-side prepared INSERT IGNORE), the applier
     * (upserts, deletes, key changes, multi-table transactions) and replicated DDL (ALTER, CREATE,
     * RENAME, DROP, which MariaDB logs anew without ferry's tag) all write to the target while a
     * load runs on the source; the cutover goes through and the tables are equal.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"load-data", "insert"})
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void ferrysOwnWritesUnderLoadAreNotTakenForOthers(String writeMethod, TestDatabase db)
            throws Exception
    {
        Workload.createTables(db, 3_000);
        String yaml = config(db, "copy:\n  batchSize: 100\n  concurrency: 3\n  rangeSize: 1000\n  writeMethod: " + writeMethod + "\n"
                + "replication:\n  batchSize: 100\n");
        Workload workload = new Workload(db.source(), db.name(), Workload.Mix.FULL, writeMethod.length(), 3).paced(100);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = create(db, yaml, null);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            workload.start();
            Future<RunResult> result = executor.submit(ferry::run);
            awaitStatus(server, result, status -> status.get("phase").asText().equals("copying"));
            db.executeOnSource(
                    "ALTER TABLE ledger ADD COLUMN audit VARCHAR(20) NULL",
                    "CREATE TABLE extra (id INT NOT NULL PRIMARY KEY, v INT)",
                    "INSERT INTO extra VALUES (1, 1), (2, 2)",
                    "CREATE TABLE doomed (id INT NOT NULL PRIMARY KEY)",
                    "INSERT INTO doomed VALUES (1)",
                    "RENAME TABLE extra TO extra2",
                    "UPDATE extra2 SET v = v + 1",
                    "DROP TABLE doomed");
            awaitStatus(server, result, status -> status.get("phase").asText().equals("waiting-for-cutover"));
            Thread.sleep(1_000);
            workload.stop();
            db.executeOnSource("DROP TABLE IF EXISTS extra2, never_there");
            JsonNode before = awaitStatus(server, result, status -> true);
            assertEquals("watched", before.at("/verification/targetWrites/watch").asText(), before.toString());
            assertEquals(202, post(server, "/api/cutover").statusCode());
            RunResult outcome = result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(FerryPhase.DONE, outcome.phase(), outcome.message());
            assertFalse(outcome.verification().failed(), outcome.verification().toString());
            assertEquals(0, ferry.metrics().counter("target_foreign_writes", "").value());
            assertTrue(ferry.targetWrites().orElseThrow().finished(), "the watch read up to the cutover");
            assertFalse(ferry.targetWrites().orElseThrow().found());
            assertTrue(outcome.eventsApplied() > 0, "no binlog event was applied");
            TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        }
        finally {
            workload.halt();
            executor.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRunThatDoesNotWatchSaysSo(TestDatabase db)
            throws Exception
    {
        db.executeOnSource("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
        String yaml = config(db, "verifier:\n  type: none\n  watchTargetWrites: false\ncutover:\n  automatic: true\n");
        try (Ferry ferry = create(db, yaml, null)) {
            RunResult outcome = ferry.run();
            assertEquals(FerryPhase.DONE, outcome.phase(), outcome.message());
            assertEquals("OFF", ferry.targetWatchSetup().status().name());
            assertTrue(ferry.targetWatchSetup().description().contains("verifier.watchTargetWrites: false"), ferry.targetWatchSetup().description());
            assertTrue(ferry.targetWrites().isEmpty());
        }
    }

    private static String config(TestDatabase db, String extra)
    {
        String yaml = TestingFerry.config(db.servers(), db.name(), extra + (extra.contains("cutover:") ? "" : "cutover:\n  automatic: false\n"));
        String disabled = "control:\n  enabled: false\n";
        assertTrue(yaml.contains(disabled), yaml);
        return yaml.replace(disabled, "control:\n  bind: 127.0.0.1:0\n");
    }

    private static Ferry create(TestDatabase db, String yaml, Verifier verifier)
    {
        if (verifier == null) {
            return TestingFerry.create(db.servers(), yaml);
        }
        Map<String, String> environment = TestingFerry.environment(db.servers());
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, loaded.config().runId());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        PipelinePlugins blind = new PipelinePlugins(plugins.config(), plugins.tableFilter(), plugins.copyFilter(), verifier, plugins.copyThrottlers(),
                plugins.replicationThrottlers(), plugins.stateStore());
        return new Ferry(blind, context, metrics);
    }

    private static Key key(long id)
    {
        return Key.of(new KeyValue.SignedInt(id));
    }

    private static JsonNode awaitStatus(ControlServer server, Future<RunResult> run, Predicate<JsonNode> condition)
            throws Exception
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                fail("the run ended before the expected status: " + run.get().message() + "; last status " + last);
            }
            HttpResponse<String> response = get(server, "/api/status");
            assertEquals(200, response.statusCode(), response.body());
            last = JSON.readTree(response.body());
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting for a status; last: " + last);
        return last;
    }

    private static HttpResponse<String> get(ControlServer server, String path)
            throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(ControlServer server, String path)
            throws Exception
    {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertNotEquals(404, response.statusCode());
        return response;
    }
}
