package dev.ferry.plugins.verifiers;

import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iterative and inline verifiers re-verify at cutover the keys the binlog changed after
 * their pass. A reproduced foreign-key cascade changes child rows the binlog does not show, so
 * the applier reads them on the target before changing them and hands them to the verifier as
 * row events ({@code Verifier.readsCascadedRows}). Shown with a child row that differs only
 * after its cascade: the test changes two order lines on the target once the copy and the pass
 * are done (the watch of target writes is off, as an operator may have it), then re-keys their
 * order on the source; the cascade moves the lines on both sides, and the verifier must report
 * them under their new key. Without the cascade's rows it would hear only the order's key and
 * report a match.
 */
@RealServers
class CascadedRowsVerificationIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iterative", "inline"})
    void aChildRowThatDiffersAfterItsCascadeIsReported(String verifier, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, note VARCHAR(10) NOT NULL)",
                "CREATE TABLE order_line (order_id INT NOT NULL, line_no INT NOT NULL, qty INT NOT NULL, PRIMARY KEY (order_id, line_no), "
                        + "CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "INSERT INTO orders SELECT seq, 'o' FROM seq_1_to_200",
                "INSERT INTO order_line SELECT o.id, l.seq, l.seq FROM orders o JOIN seq_1_to_2 l");
        String verifierConfig = verifier.equals("iterative") ? "{type: iterative, batchSize: 100, watchTargetWrites: false}"
                : "{type: inline, interval: 100ms, batchSize: 100, watchTargetWrites: false}";
        String yaml = server("source", db.source()) + server("target", db.target())
                + "tableFilter: {type: testing-databases, databases: [\"" + db.name() + "\"]}\n"
                + "replication: {batchSize: 50, heartbeat: 1s}\n"
                + "verifier: " + verifierConfig + "\n"
                + "cutover: {automatic: false}\n"
                + "control: {enabled: false}\n";
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = ferry(db, yaml)) {
            Future<RunResult> run = executor.submit(() -> ferry.run());
            awaitWaitingForCutover(ferry, run);
            db.target().execute("UPDATE `" + db.name() + "`.order_line SET qty = 99 WHERE order_id = 20");
            // the other cascade, a delete, must not be reported: its lines go on both sides
            db.executeOnSource("UPDATE orders SET id = 1000 WHERE id = 20", "DELETE FROM orders WHERE id = 30");
            ferry.requestCutover();
            RunResult result = run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            VerificationResult verification = result.verification();
            assertEquals(VerificationResult.Status.MISMATCH, verification.status(), verification.message());
            assertTrue(verification.message().contains(db.name() + ".order_line (2 rows differ)"), verification.message());
            assertEquals(1, verification.mismatches().size(), verification.message());
        }
        finally {
            executor.shutdownNow();
        }
        assertEquals(List.of(List.of("1000", "1", "99"), List.of("1000", "2", "99")),
                db.target().query("SELECT * FROM `" + db.name() + "`.order_line WHERE order_id IN (20, 30, 1000) ORDER BY 1, 2"));
    }

    private static void awaitWaitingForCutover(Ferry ferry, Future<RunResult> run)
            throws Exception
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (run.isDone()) {
            throw new AssertionError("ferry ended " + run.get().phase() + " before the binlog phase: " + run.get().message());
        }
        assertEquals(FerryPhase.WAITING_FOR_CUTOVER, ferry.phase(), "the copy did not finish within " + TIMEOUT);
    }

    private static Ferry ferry(TestDatabase db, String yaml)
    {
        Map<String, String> environment = Map.of("SOURCE_PASSWORD", db.source().password(), "TARGET_PASSWORD", db.target().password());
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("cascaded-rows.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, loaded.config().runId());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        return new Ferry(plugins, context, metrics);
    }

    private static String server(String key, MySqlServer server)
    {
        return key + ": {host: " + server.host() + ", port: " + server.port() + ", user: " + server.user()
                + ", passwordEnv: " + key.toUpperCase(Locale.ROOT) + "_PASSWORD, tls: {mode: disabled}}\n";
    }
}
