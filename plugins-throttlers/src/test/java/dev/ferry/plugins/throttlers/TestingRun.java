package dev.ferry.plugins.throttlers;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.ServerPair;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds a ferry run in-process the way the runtime's {@code TestingFerry} does, so that the
 * built-in throttlers of this module are found by the plugin registry (the runtime's tests do not
 * see them). The SPI test kit's {@code testing-databases} table filter and {@code none} verifier
 * (registered in this module's test {@code META-INF/services}) stand in for the filter and verifier modules.
 */
final class TestingRun
{
    private static final AtomicLong RUN_IDS = new AtomicLong(System.nanoTime() & 0xffff);

    private TestingRun() {}

    /**
     * A config moving {@code database} from the pair's source to its target; {@code extra} is
     * appended YAML with any other top-level sections.
     */
    static String config(ServerPair servers, String database, String extra)
    {
        return server("source", servers.source()) + server("target", servers.target())
                + "tableFilter:\n  type: testing-databases\n  databases: [\"" + database + "\"]\n"
                + extra;
    }

    private static String server(String key, MySqlServer server)
    {
        return key + ":\n  host: " + server.host() + "\n  port: " + server.port() + "\n  user: " + server.user()
                + "\n  passwordEnv: FERRY_TEST_" + key.toUpperCase() + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }

    static Ferry create(ServerPair servers, String yaml)
    {
        Map<String, String> environment = Map.of("FERRY_TEST_SOURCE_PASSWORD", servers.source().password(),
                "FERRY_TEST_TARGET_PASSWORD", servers.target().password());
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, RUN_IDS.incrementAndGet());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        return new Ferry(plugins, context, metrics);
    }
}
