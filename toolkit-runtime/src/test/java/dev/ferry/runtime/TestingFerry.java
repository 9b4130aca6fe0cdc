package dev.ferry.runtime;

import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.ServerPair;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds and runs ferry in-process for integration tests, from a YAML config whose servers come
 * from the test harness.
 */
public final class TestingFerry
{
    private static final AtomicLong RUN_IDS = new AtomicLong(System.nanoTime() & 0xffff);

    private TestingFerry() {}

    /**
     * A config moving {@code database} from the pair's source to its target; {@code extra} is
     * appended YAML (top-level keys such as {@code copy:}).
     */
    public static String config(ServerPair servers, String database, String extra)
    {
        return server("source", servers.source()) + server("target", servers.target())
                + "tableFilter:\n  type: testing-databases\n  databases: [\"" + database + "\"]\n"
                + "control:\n  enabled: false\n"
                + extra;
    }

    private static String server(String key, MySqlServer server)
    {
        return key + ":\n  host: " + server.host() + "\n  port: " + server.port() + "\n  user: " + server.user()
                + "\n  passwordEnv: FERRY_TEST_" + key.toUpperCase() + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }

    public static Map<String, String> environment(ServerPair servers)
    {
        return Map.of("FERRY_TEST_SOURCE_PASSWORD", servers.source().password(), "FERRY_TEST_TARGET_PASSWORD", servers.target().password());
    }

    public static Ferry create(ServerPair servers, String yaml)
    {
        Map<String, String> environment = environment(servers);
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, loaded.config().runId());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        return new Ferry(plugins, context, metrics);
    }

    public static RunResult run(ServerPair servers, String yaml)
            throws InterruptedException
    {
        try (Ferry ferry = create(servers, yaml)) {
            return ferry.run();
        }
    }
}
