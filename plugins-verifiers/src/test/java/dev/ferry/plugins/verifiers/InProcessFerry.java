package dev.ferry.plugins.verifiers;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.TestDatabase;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A whole ferry run inside the test's JVM, with the built-in plugins (this module's verifiers
 * among them): the config's server part, the run, and the wait for its binlog phase.
 */
final class InProcessFerry
{
    private InProcessFerry() {}

    /**
     * The {@code source} and {@code target} keys of a config for {@code db}'s servers, with
     * their passwords from the environment {@link #create} gives the config.
     */
    static String servers(TestDatabase db)
    {
        return server("source", db.source()) + server("target", db.target());
    }

    private static String server(String key, MySqlServer server)
    {
        return key + ": {host: " + server.host() + ", port: " + server.port() + ", user: " + server.user()
                + ", passwordEnv: " + key.toUpperCase(Locale.ROOT) + "_PASSWORD, tls: {mode: disabled}}\n";
    }

    /**
     * A ferry for the config {@code yaml} (which starts with {@link #servers}).
     */
    static Ferry create(TestDatabase db, String yaml)
    {
        Map<String, String> environment = Map.of("SOURCE_PASSWORD", db.source().password(), "TARGET_PASSWORD", db.target().password());
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("in-process.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, loaded.config().runId());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        return new Ferry(plugins, context, metrics);
    }

    /**
     * Waits until {@code ferry}, run as {@code run}, has copied everything and waits for the cutover.
     */
    static void awaitWaitingForCutover(Ferry ferry, Future<RunResult> run, Duration timeout)
            throws Exception
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (run.isDone()) {
            RunResult result = run.get();
            throw new AssertionError("ferry ended " + result.phase() + " before the binlog phase: " + result.message());
        }
        assertEquals(FerryPhase.WAITING_FOR_CUTOVER, ferry.phase(), "the copy did not finish within " + timeout);
    }
}
