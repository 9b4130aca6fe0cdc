package dev.ferry.plugins.filters;

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
 * Builds ferry in-process for integration tests from YAML, with every plugin on the test class
 * path: this module's filters, the built-in verifiers and the runtime's own.
 */
final class TestingRun
{
    private static final AtomicLong RUN_IDS = new AtomicLong(System.nanoTime() & 0xffff);

    private TestingRun() {}

    /**
     * A config moving {@code database} (tables filtered by the {@code names} table filter) from the
     * pair's source to its target; {@code extra} is appended YAML (top-level keys such as
     * {@code copyFilter:}).
     */
    static String config(ServerPair servers, String database, String extra)
    {
        return config(servers, database, "", extra);
    }

    /**
     * The same, with {@code tableFilter} YAML lines (indented by two spaces) added to the table
     * filter's section, e.g. {@code "  excludeTables: [db.t]\n"}.
     */
    static String config(ServerPair servers, String database, String tableFilter, String extra)
    {
        return server("source", servers.source()) + server("target", servers.target())
                + "tableFilter:\n  type: names\n  databases: [\"" + database + "\"]\n" + tableFilter
                + "control:\n  enabled: false\n"
                + extra;
    }

    private static String server(String key, MySqlServer server)
    {
        return key + ":\n  host: " + server.host() + "\n  port: " + server.port() + "\n  user: " + server.user()
                + "\n  passwordEnv: FERRY_TEST_" + key.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }

    static Ferry create(ServerPair servers, String yaml)
    {
        Map<String, String> environment = Map.of(
                "FERRY_TEST_SOURCE_PASSWORD", servers.source().password(),
                "FERRY_TEST_TARGET_PASSWORD", servers.target().password());
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, RUN_IDS.incrementAndGet());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        return new Ferry(plugins, context, metrics);
    }
}
