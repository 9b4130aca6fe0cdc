package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One page of a headless Chromium, driven over the DevTools protocol with the JDK's WebSocket:
 * navigate, evaluate JavaScript, click, wait for a condition. Every wait is bounded, and
 * {@link #close()} kills Chromium and every process it started, so a test using it cannot hang
 * or leave a browser behind.
 */
final class DevToolsPage
        implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int STDERR_LINES_KEPT = 200;

    private final Process process;
    private final ExecutorService threads;
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Object sending = new Object();
    private WebSocket socket;
    private String sessionId;

    private DevToolsPage(Process process, ExecutorService threads)
    {
        this.process = process;
        this.threads = threads;
    }

    /**
     * Starts {@code chromium} headless with a fresh profile in {@code profile} and opens a blank
     * page; fails when it does not come up within a minute.
     */
    static DevToolsPage launch(Path chromium, Path profile)
            throws IOException, InterruptedException
    {
        requireNonNull(chromium, "chromium is null");
        Files.createDirectories(profile);
        List<String> command = List.of(chromium.toString(), "--headless=new", "--remote-debugging-port=0", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--window-size=1280,900", "--user-data-dir=" + profile, "about:blank");
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        AtomicInteger threadNumbers = new AtomicInteger();
        ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "devtools-page-" + threadNumbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        DevToolsPage page = new DevToolsPage(process, threads);
        try {
            page.connect(command);
            return page;
        }
        catch (Throwable e) {
            page.close();
            throw e;
        }
    }

    private void connect(List<String> command)
            throws InterruptedException
    {
        CompletableFuture<String> address = new CompletableFuture<>();
        // drained to the end, so that Chromium never blocks on a full pipe; the thread ends when Chromium does
        threads.execute(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (stderr.size() < STDERR_LINES_KEPT) {
                        stderr.add(line);
                    }
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        address.complete(matcher.group(1));
                    }
                }
            }
            catch (IOException e) {
                // Chromium was killed
            }
            address.completeExceptionally(new IllegalStateException("Chromium ended without a DevTools address"));
        });
        String webSocketUrl;
        try {
            webSocketUrl = address.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Chromium did not offer its DevTools protocol within " + START_TIMEOUT + ": " + String.join(" ", command)
                    + "\n" + String.join("\n", stderr), e);
        }
        HttpClient client = HttpClient.newBuilder().executor(threads).connectTimeout(Duration.ofSeconds(10)).build();
        socket = await(client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(webSocketUrl), new Listener()),
                "connecting to " + webSocketUrl);
        String target = command("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"), false).get("targetId").asText();
        sessionId = command("Target.attachToTarget", JSON.createObjectNode().put("targetId", target).put("flatten", true), false)
                .get("sessionId").asText();
        command("Runtime.enable", JSON.createObjectNode(), true);
        command("Log.enable", JSON.createObjectNode(), true);
        command("Page.enable", JSON.createObjectNode(), true);
    }

    /**
     * Opens {@code uri} and waits until its document is loaded.
     */
    void navigate(URI uri)
            throws InterruptedException
    {
        JsonNode result = command("Page.navigate", JSON.createObjectNode().put("url", uri.toString()), true);
        if (result.hasNonNull("errorText")) {
            fail("Chromium could not open " + uri + ": " + result.get("errorText").asText());
        }
        waitUntil("the page " + uri + " is loaded", "document.readyState === 'complete' && location.href === " + JSON.valueToTree(uri.toString()),
                COMMAND_TIMEOUT);
    }

    /**
     * The value of {@code expression} evaluated in the page (promises awaited), as JSON; fails
     * when it throws.
     */
    JsonNode evaluate(String expression)
            throws InterruptedException
    {
        ObjectNode parameters = JSON.createObjectNode()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true)
                .put("userGesture", true);
        JsonNode result = command("Runtime.evaluate", parameters, true);
        if (result.has("exceptionDetails")) {
            fail("the page threw evaluating " + expression + ": " + result.get("exceptionDetails"));
        }
        JsonNode value = result.path("result").get("value");
        return value == null ? JSON.nullNode() : value;
    }

    /**
     * The text of the element {@code selector} names; fails when there is none.
     */
    String text(String selector)
            throws InterruptedException
    {
        return evaluate(element(selector) + ".textContent").asText();
    }

    boolean disabled(String selector)
            throws InterruptedException
    {
        return evaluate(element(selector) + ".disabled").asBoolean();
    }

    /**
     * Clicks the element {@code selector} names, as a user would: nothing happens when it is disabled.
     */
    void click(String selector)
            throws InterruptedException
    {
        evaluate(element(selector) + ".click()");
    }

    /**
     * Types {@code value} into the field {@code selector} names, replacing what it held.
     */
    void fill(String selector, String value)
            throws InterruptedException
    {
        evaluate("(function (field) { field.value = " + JSON.valueToTree(value) + "; field.dispatchEvent(new Event('input', { bubbles: true })); })("
                + element(selector) + ")");
    }

    /**
     * Waits until {@code condition} (JavaScript) is true in the page; fails after {@code timeout}
     * naming {@code what} and the page's text.
     */
    void waitUntil(String what, String condition, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode value = evaluate("(function () { try { return Boolean(" + condition + "); } catch (e) { return false; } })()");
            if (value.asBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("waited " + timeout + " for " + what + " (" + condition + "); the page shows:\n"
                        + evaluate("document.body ? document.body.innerText : ''").asText());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Saves what the page shows now as a PNG image.
     */
    void screenshot(Path file)
            throws IOException, InterruptedException
    {
        JsonNode result = command("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"), true);
        Files.write(file, Base64.getDecoder().decode(result.get("data").asText()));
    }

    /**
     * Exceptions the page's scripts threw and errors the browser reported about them (e.g. a
     * Content-Security-Policy violation); failed network requests are left out, since tests
     * provoke some (401).
     */
    List<String> pageErrors()
    {
        return List.copyOf(pageErrors);
    }

    private static String element(String selector)
    {
        String quoted = JSON.valueToTree(selector).toString();
        return "(document.querySelector(" + quoted + ") || (function () { throw new Error('no element ' + " + quoted + "); })())";
    }

    private JsonNode command(String method, ObjectNode parameters, boolean inPage)
            throws InterruptedException
    {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", parameters);
        if (inPage) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        try {
            synchronized (sending) {
                // the JDK's WebSocket takes one message at a time
                await(socket.sendText(message.toString(), true), "sending " + method);
            }
            JsonNode answer = await(reply, method);
            if (answer.has("error")) {
                fail("DevTools refused " + method + " " + parameters + ": " + answer.get("error"));
            }
            return answer.path("result");
        }
        finally {
            replies.remove(id);
        }
    }

    private <T> T await(CompletableFuture<T> future, String what)
            throws InterruptedException
    {
        try {
            return future.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (ExecutionException e) {
            throw new AssertionError("DevTools: " + what + " failed: " + e.getCause(), e.getCause());
        }
        catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("DevTools: " + what + " got no answer within " + COMMAND_TIMEOUT + "; Chromium "
                    + (process.isAlive() ? "runs" : "ended with " + process.exitValue()) + "\n" + String.join("\n", stderr), e);
        }
    }

    private void received(String text)
    {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        }
        catch (IOException e) {
            pageErrors.add("unreadable DevTools message: " + text);
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = replies.get(message.get("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        JsonNode parameters = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.exceptionThrown" -> pageErrors.add("exception: " + parameters.path("exceptionDetails"));
            case "Log.entryAdded" -> {
                JsonNode entry = parameters.path("entry");
                if (entry.path("level").asText().equals("error") && !entry.path("source").asText().equals("network")) {
                    pageErrors.add(entry.path("source").asText() + ": " + entry.path("text").asText());
                }
            }
            default -> {
                // other events are of no interest
            }
        }
    }

    private void failAll(Throwable cause)
    {
        for (CompletableFuture<JsonNode> reply : new ArrayList<>(replies.values())) {
            reply.completeExceptionally(cause);
        }
    }

    /**
     * Kills Chromium and the processes it started, and waits (bounded) for them to end.
     */
    @Override
    public void close()
    {
        WebSocket open = socket;
        if (open != null) {
            open.abort();
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle each : all) {
            each.destroyForcibly();
        }
        for (ProcessHandle each : all) {
            try {
                each.onExit().get(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            catch (ExecutionException | TimeoutException e) {
                // reported below if Chromium itself survived
            }
        }
        threads.shutdownNow();
        if (process.isAlive()) {
            throw new AssertionError("Chromium (pid " + process.pid() + ") did not end within 10s of being killed");
        }
    }

    private final class Listener
            implements WebSocket.Listener
    {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last)
        {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                received(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason)
        {
            failAll(new IllegalStateException("DevTools connection closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error)
        {
            failAll(error);
        }
    }
}
