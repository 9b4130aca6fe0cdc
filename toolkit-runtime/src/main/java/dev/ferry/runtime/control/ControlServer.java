package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.api.FerryException;
import dev.ferry.api.throttle.Throttler;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.core.RunTuning;
import dev.ferry.runtime.config.ControlConfig;
import dev.ferry.runtime.config.PluginSection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The HTTP control server of a run ({@code control.*}), on the JDK's HTTP server:
 * <ul>
 * <li>{@code GET /}: the status page</li>
 * <li>{@code GET /api/status}: the same as JSON ({@link FerryStatus})</li>
 * <li>{@code GET /api/health}: 200, or 500 when the run or the binlog applier failed, the
 *     applier's state is older than {@code control.maxStateAge}, or the latest save of the run's
 *     state failed ({@link Health})</li>
 * <li>{@code GET /metrics}: Prometheus text</li>
 * <li>{@code POST /api/pause}, {@code POST /api/unpause}: the command to the built-in pauser and
 *     every throttler of both stages, or of one with {@code ?stage=copy|replication}</li>
 * <li>{@code POST /api/cutover}, {@code POST /api/stop}: {@link Ferry#requestCutover()},
 *     {@link Ferry#requestStop()}</li>
 * <li>{@code POST /api/verify}: runs the verifier's before-cutover check in the background; the
 *     outcome shows in the status</li>
 * <li>{@code POST /api/tune}: changes the copy's batch size, concurrency and rows/s cap and the
 *     applier's batch size while the run runs ({@link TuningRequest}); 400 naming each bad key</li>
 * </ul>
 * With {@code control.token} (or {@code tokenEnv}) set, every POST needs
 * {@code Authorization: Bearer <token>}; POSTs from another web origin are refused in any case, so
 * that a web page cannot drive a local ferry. Nothing it answers carries a password or the token.
 * <p>
 * Slow or stuck clients cannot starve it: requests are served by up to {@value #THREADS} threads
 * (then queued), a request whose line and headers are not read within {@value #REQUEST_SECONDS}
 * seconds is dropped, idle keep-alive connections are closed after {@value #IDLE_SECONDS} seconds
 * and at most {@value #MAX_IDLE_CONNECTIONS} are kept, a request may carry at most
 * {@value #MAX_HEADERS} headers and {@value #MAX_BODY_BYTES} bytes of body. The JDK server
 * reads its limits from JVM-wide system properties ({@code sun.net.httpserver.maxReqTime},
 * {@code idleInterval}, {@code maxIdleConnections}, {@code maxReqHeaders}) once, when the first
 * server of the JVM is created; this class sets the ones not set on the command line before
 * that. Open connections are not counted: the operating system's backlog and the timeouts bound them.
 */
public final class ControlServer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final int THREADS = 32;
    private static final int REQUEST_SECONDS = 10;
    private static final int IDLE_SECONDS = 30;
    private static final int MAX_IDLE_CONNECTIONS = 16;
    private static final int MAX_HEADERS = 64;
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String JSON = "application/json; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    private static final List<String> STAGES = List.of("copy", "replication");
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        limitJdkHttpServer();
    }

    private interface Handler
    {
        Response handle(HttpExchange exchange, Map<String, String> query, String body);
    }

    private record Response(int status, String contentType, byte[] body, Map<String, String> headers)
    {
        static Response json(int status, Object value)
        {
            return new Response(status, JSON, (StatusJson.write(value) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Response error(int status, String message)
        {
            ObjectNode body = StatusJson.object();
            body.put("error", message);
            return json(status, body);
        }
    }

    private final Ferry ferry;
    private final ControlConfig config;
    private final Optional<byte[]> tokenDigest;
    private final Clock clock = Clock.systemUTC();
    private final BackgroundVerification verification;
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    public ControlServer(Ferry ferry)
    {
        this.ferry = requireNonNull(ferry, "ferry is null");
        this.config = ferry.config().control();
        this.tokenDigest = config.token().map(ControlServer::sha256);
        this.verification = new BackgroundVerification(ferry.plugins().verifier(), clock);
        route("GET", "/", this::page);
        route("GET", "/api/status", (exchange, query, body) -> Response.json(200, status()));
        route("GET", "/api/health", this::health);
        route("GET", "/metrics", this::metrics);
        route("POST", "/api/pause", (exchange, query, body) -> throttleCommand("pause", query));
        route("POST", "/api/unpause", (exchange, query, body) -> throttleCommand("unpause", query));
        route("POST", "/api/cutover", (exchange, query, body) -> cutover());
        route("POST", "/api/stop", (exchange, query, body) -> stop());
        route("POST", "/api/verify", (exchange, query, body) -> verify());
        route("POST", "/api/tune", (exchange, query, body) -> tune(body));
    }

    private void route(String method, String path, Handler handler)
    {
        routes.computeIfAbsent(path, key -> new LinkedHashMap<>()).put(method, handler);
    }

    /**
     * Binds {@code control.bind} (port 0 picks a free port) and starts serving.
     *
     * @throws FerryException when the address cannot be bound
     */
    public synchronized void start()
    {
        if (server != null) {
            throw new IllegalStateException("the control server is already started");
        }
        HttpServer created;
        try {
            created = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 16);
        }
        catch (IOException | RuntimeException e) {
            throw new FerryException("cannot start the control server on " + config.host() + ":" + config.port() + " (control.bind): " + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "ferry-control-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // threads come and go with the load; a quiet server keeps none
        pool.allowCoreThreadTimeOut(true);
        executor = pool;
        created.setExecutor(executor);
        created.createContext("/", this::dispatch);
        created.start();
        server = created;
        log.info("control server listening on http://{}:{}/{}", config.host(), port(), config.token().isPresent() ? " (POSTs need the bearer token)" : "");
    }

    /**
     * Sets the JDK HTTP server's limits this class documents, unless the JVM's command line set
     * them; they take effect only if no HTTP server was created in this JVM before.
     */
    static void limitJdkHttpServer()
    {
        setUnlessSet("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
        setUnlessSet("sun.net.httpserver.idleInterval", IDLE_SECONDS);
        setUnlessSet("sun.net.httpserver.maxIdleConnections", MAX_IDLE_CONNECTIONS);
        setUnlessSet("sun.net.httpserver.maxReqHeaders", MAX_HEADERS);
    }

    private static void setUnlessSet(String property, int value)
    {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    /**
     * The bound port; after {@link #start()}.
     */
    public synchronized int port()
    {
        if (server == null) {
            throw new IllegalStateException("the control server is not started");
        }
        return server.getAddress().getPort();
    }

    /**
     * The status page's address, e.g. {@code http://127.0.0.1:8000/}; after {@link #start()}.
     */
    public URI uri()
    {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    @Override
    public synchronized void close()
    {
        verification.close();
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    /**
     * The status as {@code GET /api/status} answers it.
     */
    public FerryStatus status()
    {
        return FerryStatus.capture(ferry, verification.status(), clock.instant());
    }

    // --- dispatch -----------------------------------------------------------------------------------

    private void dispatch(HttpExchange exchange)
    {
        try (exchange) {
            Response response;
            try {
                response = answer(exchange);
            }
            catch (RuntimeException e) {
                log.warn("control server: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e.getMessage(), e);
                response = Response.error(500, "internal error: " + e.getMessage());
            }
            send(exchange, response);
        }
        catch (IOException e) {
            log.debug("control server: cannot answer {}: {}", exchange.getRemoteAddress(), e.getMessage());
        }
    }

    private Response answer(HttpExchange exchange)
            throws IOException
    {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String body = read(exchange.getRequestBody());
        Map<String, Handler> methods = routes.get(path);
        if (methods == null) {
            return Response.error(404, "no endpoint " + path + "; endpoints: GET /, GET /api/status, GET /api/health, GET /metrics, "
                    + "POST /api/pause, POST /api/unpause, POST /api/cutover, POST /api/stop, POST /api/verify, POST /api/tune");
        }
        Handler handler = methods.get("HEAD".equals(method) ? "GET" : method);
        if (handler == null) {
            List<String> allowed = new ArrayList<>(methods.keySet());
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            String allow = String.join(", ", allowed);
            Response refusal = Response.error(405, method + " is not allowed on " + path + "; use " + allow);
            return new Response(405, refusal.contentType(), refusal.body(), Map.of("Allow", allow));
        }
        if ("POST".equals(method)) {
            Optional<Response> refused = refuse(exchange);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        Map<String, String> query;
        try {
            query = query(exchange.getRequestURI().getRawQuery());
        }
        catch (IllegalArgumentException e) {
            return Response.error(400, "bad query string: " + e.getMessage());
        }
        if (body == null) {
            return Response.error(413, "the request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return handler.handle(exchange, query, body);
    }

    /**
     * Refuses a POST from another web origin, or without the right bearer token.
     */
    private Optional<Response> refuse(HttpExchange exchange)
    {
        Headers headers = exchange.getRequestHeaders();
        String origin = headers.getFirst("Origin");
        if (origin != null && !sameOrigin(origin, headers.getFirst("Host"))) {
            log.warn("control server: refused a POST to {} from web origin {}", exchange.getRequestURI().getRawPath(), origin);
            return Optional.of(Response.error(403, "cross-origin requests are refused"));
        }
        if (tokenDigest.isEmpty()) {
            return Optional.empty();
        }
        String authorization = headers.getFirst("Authorization");
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
        // digests of equal length, compared in constant time: neither the token nor its length leaks through timing
        if (presented != null && MessageDigest.isEqual(tokenDigest.get(), sha256(presented))) {
            return Optional.empty();
        }
        log.warn("control server: refused a POST to {} from {}: {} bearer token", exchange.getRequestURI().getRawPath(),
                exchange.getRemoteAddress().getAddress().getHostAddress(), presented == null ? "no" : "wrong");
        Response refusal = Response.error(401, (presented == null ? "missing" : "wrong") + " bearer token: every POST needs the header "
                + "Authorization: Bearer <the control token> (control.token or control.tokenEnv)");
        return Optional.of(new Response(401, refusal.contentType(), refusal.body(), Map.of("WWW-Authenticate", "Bearer realm=\"ferry\"")));
    }

    private static boolean sameOrigin(String origin, String host)
    {
        try {
            URI uri = new URI(origin);
            return host != null && uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(host);
        }
        catch (URISyntaxException e) {
            return false;
        }
    }

    private void send(HttpExchange exchange, Response response)
            throws IOException
    {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        response.headers().forEach(headers::set);
        if ("HEAD".equalsIgnoreCase(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * The request body as UTF-8 text, or null when it is larger than {@link #MAX_BODY_BYTES}.
     */
    private static String read(InputStream body)
            throws IOException
    {
        try (body) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            return bytes.length > MAX_BODY_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> query(String raw)
    {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            result.put(name, value);
        }
        return result;
    }

    // --- endpoints ----------------------------------------------------------------------------------

    private Response page(HttpExchange exchange, Map<String, String> query, String body)
    {
        byte[] nonceBytes = new byte[18];
        RANDOM.nextBytes(nonceBytes);
        String nonce = Base64.getEncoder().encodeToString(nonceBytes);
        String html = StatusPage.render(status(), tokenDigest.isPresent(), ferry.config().cutover().disabled(), nonce);
        return new Response(200, HTML, html.getBytes(StandardCharsets.UTF_8), Map.of(
                "Content-Security-Policy", "default-src 'none'; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce + "'; "
                        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                "X-Frame-Options", "DENY"));
    }

    private Response health(HttpExchange exchange, Map<String, String> query, String body)
    {
        Health health = Health.check(ferry, config.maxStateAge(), clock.instant());
        return Response.json(health.healthy() ? 200 : 500, health);
    }

    private Response metrics(HttpExchange exchange, Map<String, String> query, String body)
    {
        String text = PrometheusText.render(ferry.metrics(), status());
        return new Response(200, PrometheusText.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private Response throttleCommand(String command, Map<String, String> query)
    {
        Set<String> unknown = new TreeSet<>(query.keySet());
        unknown.remove("stage");
        if (!unknown.isEmpty()) {
            return Response.error(400, "unknown query parameter(s) " + unknown + "; only stage=copy|replication is accepted");
        }
        List<String> stages = STAGES;
        String stage = query.get("stage");
        if (stage != null) {
            if (!STAGES.contains(stage)) {
                return Response.error(400, "stage must be copy or replication (got \"" + stage + "\")");
            }
            stages = List.of(stage);
        }
        ObjectNode body = StatusJson.object();
        body.put("command", command);
        body.set("stages", StatusJson.tree(stages));
        ArrayNode sent = body.putArray("throttlers");
        for (String each : stages) {
            Throttler pauser = ferry.tuning().pauser(each);
            pauser.onCommand(command);
            ObjectNode builtIn = sent.addObject();
            builtIn.put("stage", each);
            builtIn.put("type", "built-in");
            builtIn.put("throttled", pauser.isThrottled());
            builtIn.put("reason", pauser.reason());
            List<Throttler> throttlers = each.equals("copy") ? ferry.plugins().copyThrottlers() : ferry.plugins().replicationThrottlers();
            List<PluginSection> sections = each.equals("copy") ? ferry.config().copyThrottlers() : ferry.config().replicationThrottlers();
            for (int i = 0; i < throttlers.size(); i++) {
                Throttler throttler = throttlers.get(i);
                throttler.onCommand(command);
                ObjectNode entry = sent.addObject();
                entry.put("stage", each);
                entry.put("type", sections.size() == throttlers.size() ? sections.get(i).type() : "throttler");
                boolean throttled = throttler.isThrottled();
                entry.put("throttled", throttled);
                entry.put("reason", throttled ? throttler.reason() : "");
            }
        }
        log.info("control: {} sent to {} throttler(s) of {}", command, sent.size(), String.join(" and ", stages));
        return Response.json(200, body);
    }

    private Response cutover()
    {
        FerryPhase phase = ferry.phase();
        if (ended(phase)) {
            return Response.error(409, "the run already ended (" + phase.label() + ")");
        }
        if (ferry.config().cutover().disabled()) {
            return Response.error(409, "cutover is disabled (cutover.disabled: true): the run replicates until POST /api/stop");
        }
        ferry.requestCutover();
        log.info("control: cutover requested (phase {})", phase.label());
        ObjectNode body = StatusJson.object();
        body.put("cutover", "requested");
        body.put("phase", phase.label());
        body.put("message", "the cutover starts once the copy is done and the binlog applier has caught up");
        return Response.json(202, body);
    }

    private Response stop()
    {
        FerryPhase phase = ferry.phase();
        if (ended(phase)) {
            return Response.error(409, "the run already ended (" + phase.label() + ")");
        }
        ferry.requestStop();
        log.info("control: stop requested (phase {})", phase.label());
        ObjectNode body = StatusJson.object();
        body.put("stop", "requested");
        body.put("phase", phase.label());
        return Response.json(202, body);
    }

    private Response verify()
    {
        FerryPhase phase = ferry.phase();
        if (phase != FerryPhase.COPYING && phase != FerryPhase.WAITING_FOR_CUTOVER) {
            return Response.error(409, "verification can be requested while copying or waiting for the cutover, not while " + phase.label());
        }
        if (!verification.start()) {
            return Response.error(409, "a requested verification is still running (since " + verification.status().startedAt() + ")");
        }
        ObjectNode body = StatusJson.object();
        body.put("verification", "started");
        body.put("status", "/api/status");
        return Response.json(202, body);
    }

    private Response tune(String body)
    {
        FerryPhase phase = ferry.phase();
        if (ended(phase)) {
            return Response.error(409, "the run already ended (" + phase.label() + ")");
        }
        RunTuning tuning = ferry.tuning();
        TuningRequest.Result request = TuningRequest.parse(body, tuning.values(), tuning.maxConcurrency());
        if (!request.valid()) {
            ObjectNode error = StatusJson.object();
            error.put("error", "POST /api/tune: " + String.join("; ", request.problems().stream().map(Object::toString).toList()));
            ArrayNode problems = error.putArray("problems");
            request.problems().forEach(problem -> problems.addObject().put("key", problem.path()).put("message", problem.message()));
            return Response.json(400, error);
        }
        RunTuning.Values before = tuning.values();
        ferry.tune(request.values());
        log.info("control: tuned {} (was {})", request.values(), before);
        ObjectNode result = StatusJson.object();
        result.set("tuning", StatusJson.tree(FerryStatus.TuningStatus.of(tuning)));
        return Response.json(200, result);
    }

    private static boolean ended(FerryPhase phase)
    {
        return phase == FerryPhase.DONE || phase == FerryPhase.STOPPED || phase == FerryPhase.FAILED;
    }

    private static byte[] sha256(String text)
    {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
