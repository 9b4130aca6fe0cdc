package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A whole ferry run with the inline verifier: rows changed on the target behind ferry's back
 * during the binlog phase are reported at cutover, exactly those keys, and the run fails.
 */
@RealServers
class InlineVerifierRunIT
{
    @Test
    void reportsExactlyTheRowsChangedBehindFerrysBack(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE t (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(32) NOT NULL)",
                "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_20000",
                "INSERT INTO t VALUES (18446744073709551615, 'top')");
        String yaml = InProcessFerry.servers(db)
                + "tableFilter: {type: testing-databases, databases: [\"" + db.name() + "\"]}\n"
                // rows changed behind ferry's back are what this verifier must find on its own: the runtime's watch of
                // the target's binlog would report them first (TargetWritesIT tests that)
                + "verifier: {type: inline, interval: 3s, maxReportedKeys: 10, watchTargetWrites: false}\n"
                + "cutover: {automatic: false}\n"
                + "control: {enabled: false}\n";
        Map<String, String> environment = Map.of("SOURCE_PASSWORD", db.source().password(), "TARGET_PASSWORD", db.target().password());
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("inline.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, loaded.config().runId());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        try (Ferry ferry = new Ferry(plugins, context, metrics)) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(50);
            }
            long before = metrics.counter("apply_events", "").value();
            db.executeOnSource("UPDATE t SET v = CONCAT(v, '+') WHERE id IN (5, 17, 18446744073709551615, 400)");
            while (metrics.counter("apply_events", "").value() < before + 4 && !run.isDone()) {
                Thread.sleep(5);
            }
            // behind ferry's back: two of the rows the binlog just changed, and one it did not
            db.executeOnTarget(
                    "UPDATE t SET v = 'tampered' WHERE id IN (17, 18446744073709551615)",
                    "UPDATE t SET v = 'unseen' WHERE id = 9000");
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.FAILED, result.phase(), result.message());
            VerificationResult verification = result.verification();
            assertEquals(VerificationResult.Status.MISMATCH, verification.status(), verification.message());
            assertEquals(1, verification.mismatches().size(), verification.message());
            Set<String> keys = new TreeSet<>();
            for (Key key : verification.mismatches().get(0).keys()) {
                keys.add(key.toString());
            }
            assertEquals(new TreeSet<>(List.of("(17)", "(18446744073709551615)")), keys, verification.message());
        }
    }
}
