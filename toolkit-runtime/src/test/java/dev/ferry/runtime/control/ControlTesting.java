package dev.ferry.runtime.control;

import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.model.TableName;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.testing.ServerPair;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Runs for the control tests: configs with a {@code control} section of the test's choosing,
 * plugins the test may swap (throttlers, verifier), and an HTTP client for the server.
 */
final class ControlTesting
{
    static final String SOURCE_PASSWORD = "offline-source-secret";
    static final String TARGET_PASSWORD = "offline-target-secret";
    private static final AtomicLong RUN_IDS = new AtomicLong(System.nanoTime() & 0xffff);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ControlTesting() {}

    /**
     * A config moving {@code database} between the pair; {@code extra} is appended YAML and must
     * hold the {@code control} section.
     */
    static String config(ServerPair servers, String database, String extra)
    {
        return server("source", servers.source().host(), servers.source().port(), servers.source().user())
                + server("target", servers.target().host(), servers.target().port(), servers.target().user())
                + "tableFilter:\n  type: testing-databases\n  databases: [\"" + database + "\"]\n"
                + extra;
    }

    /**
     * A run over servers that do not exist, for tests that never start it. Its plugins are built
     * here rather than found by the registry: the unit tests run on the module path, where the
     * test plugins' service files are not seen.
     */
    static Ferry offline(String extra, UnaryOperator<PipelinePlugins> customize)
    {
        String yaml = server("source", "127.0.0.1", 9, "ferry") + server("target", "127.0.0.1", 10, "ferry")
                + "tableFilter:\n  type: testing-databases\n  databases: [\"offline\"]\n" + extra;
        Map<String, String> environment = Map.of("FERRY_TEST_SOURCE_PASSWORD", SOURCE_PASSWORD, "FERRY_TEST_TARGET_PASSWORD", TARGET_PASSWORD);
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, environment::get);
        if (!loaded.problems().isEmpty()) {
            throw new IllegalArgumentException("bad test config: " + loaded.problems());
        }
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, RUN_IDS.incrementAndGet());
        TableFilter nothing = new TableFilter()
        {
            @Override
            public boolean acceptsDatabase(String database)
            {
                return false;
            }

            @Override
            public boolean acceptsTable(TableName table)
            {
                return false;
            }
        };
        Verifier none = () -> VerificationResult.notRun("testing: no verification");
        PipelinePlugins plugins = new PipelinePlugins(loaded.config(), nothing, Optional.empty(), none, List.of(), List.of(), Optional.empty());
        return new Ferry(customize.apply(plugins), context, metrics);
    }

    /**
     * A run of {@code yaml} with its plugins from the registry (class path: ITs only), then
     * {@code customize}d.
     */
    static Ferry create(ServerPair servers, String yaml, UnaryOperator<PipelinePlugins> customize)
    {
        Map<String, String> environment = TestingFerry.environment(servers);
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, environment::get);
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), metrics, RUN_IDS.incrementAndGet());
        PipelinePlugins plugins = PipelinePlugins.assemble(loaded, PluginRegistry.load(List.of()), context);
        return new Ferry(customize.apply(plugins), context, metrics);
    }

    static PipelinePlugins withThrottlers(PipelinePlugins plugins, List<Throttler> copy, List<Throttler> replication)
    {
        return new PipelinePlugins(plugins.config(), plugins.tableFilter(), plugins.copyFilter(), plugins.verifier(), copy, replication,
                plugins.stateStore());
    }

    static PipelinePlugins withVerifier(PipelinePlugins plugins, Verifier verifier)
    {
        return new PipelinePlugins(plugins.config(), plugins.tableFilter(), plugins.copyFilter(), verifier, plugins.copyThrottlers(),
                plugins.replicationThrottlers(), plugins.stateStore());
    }

    private static String server(String key, String host, int port, String user)
    {
        return key + ":\n  host: " + host + "\n  port: " + port + "\n  user: " + user
                + "\n  passwordEnv: FERRY_TEST_" + key.toUpperCase() + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }

    static HttpResponse<String> get(ControlServer server, String path)
            throws IOException, InterruptedException
    {
        return send(server, "GET", path, Map.of());
    }

    static HttpResponse<String> post(ControlServer server, String path, String token)
            throws IOException, InterruptedException
    {
        return send(server, "POST", path, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    static HttpResponse<String> send(ControlServer server, String method, String path, Map<String, String> headers)
            throws IOException, InterruptedException
    {
        return send(server, method, path, headers, "");
    }

    static HttpResponse<String> postJson(ControlServer server, String path, String body)
            throws IOException, InterruptedException
    {
        return send(server, "POST", path, Map.of("Content-Type", "application/json"), body);
    }

    static HttpResponse<String> send(ControlServer server, String method, String path, Map<String, String> headers, String body)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, "POST".equals(method) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
