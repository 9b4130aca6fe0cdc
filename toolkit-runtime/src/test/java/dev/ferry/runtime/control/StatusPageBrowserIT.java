package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The status page as headless Chromium renders it, scripts included, during a real run, and its
 * controls clicked through the DevTools protocol ({@link DevToolsPage}). Fails (never skips) when
 * Chromium is missing.
 */
@RealServers
class StatusPageBrowserIT
{
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
            "/usr/bin/google-chrome-stable");
    private static final long BROWSER_TIMEOUT_SECONDS = 90;
    private static final long RUN_END_SECONDS = 60;
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    private static final String TOKEN = "page-token-5c4b3a29";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void rendersTablesAndProgressBarsAndRefreshesItself(TestDatabase db, @TempDir Path profile)
            throws Exception
    {
        Path chromium = chromium();
        db.executeOnSource(
                "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, total DECIMAL(10,2) NOT NULL)",
                "INSERT INTO orders SELECT seq, seq / 100 FROM seq_1_to_300",
                "CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL)",
                "INSERT INTO customers SELECT seq, CONCAT('customer-', seq) FROM seq_1_to_200");
        String yaml = ControlTesting.config(db.servers(), db.name(), "cutover:\n  automatic: false\ncontrol:\n  bind: 127.0.0.1:0\n");
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml, plugins -> plugins);
                ControlServer server = new ControlServer(ferry);
                BackgroundRun run = new BackgroundRun(ferry)) {
            server.start();
            run.start();
            ControlServerIT.awaitStatus(server, run.result(), body -> body.get("phase").asText().equals("waiting-for-cutover"));

            // the virtual time budget lets the page's refresh timer fire and its fetch complete
            String dom = browse(chromium, profile.resolve("dom"), "--virtual-time-budget=10000", "--dump-dom", server.uri().toString());

            for (String table : List.of("orders", "customers")) {
                String name = db.name() + "." + table;
                assertTrue(dom.contains("<td class=\"table-name\">" + name + "</td>"), "table " + name + " in " + dom);
            }
            assertEquals(List.of("200 of 200", "300 of 300"), progressBars(dom), dom);
            assertTrue(dom.contains("<td class=\"num rows-copied\">300</td>"), dom);
            assertTrue(dom.contains("<td class=\"num rows-copied\">200</td>"), dom);
            assertTrue(dom.contains("<span id=\"copy-rows\">500 of ~500 rows (100.0%)</span>"), dom);
            assertTrue(dom.contains("class=\"badge phase-waiting-for-cutover\">waiting-for-cutover</span>"), dom);
            assertTrue(dom.contains("<span id=\"applier-state\">"), dom);
            Matcher refreshed = Pattern.compile("<body data-token-required=\"false\" data-cutover-disabled=\"false\" data-refreshes=\"(\\d+)\"").matcher(dom);
            assertTrue(refreshed.find(), "the page's script re-fetched the status at least once: " + dom);
            // the script shows the controls; without a token there is no token field
            assertTrue(dom.contains("<section id=\"controls\">"), dom);
            assertTrue(dom.contains("<form id=\"token-form\" hidden=\"\">"), dom);

            Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            browse(chromium, profile.resolve("screenshot"), "--window-size=1280,900", "--screenshot=" + screenshot, server.uri().toString());
            assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page in " + screenshot);

            // without control.token the buttons work at once, asking for nothing
            try (DevToolsPage page = DevToolsPage.launch(chromium, profile.resolve("devtools"))) {
                page.navigate(server.uri());
                page.waitUntil("the controls", "!document.getElementById('controls').hidden", PAGE_TIMEOUT);
                assertTrue(page.evaluate("document.getElementById('token-form').hidden").asBoolean(), "no token field without control.token");
                assertFalse(page.disabled("#cutover"), "the run waits for its cutover");
                assertTrue(page.disabled("#pause-copy"), "the copy is done");
                confirmEverything(page);
                page.click("#stop");
                assertEquals(FerryPhase.STOPPED, run.result().get(60, TimeUnit.SECONDS).phase());
                assertTrue(page.evaluate("window.confirmed").asText().startsWith("Stop the run without cutting over?"));
                awaitAnswer(page, "Stop");
                assertEquals("Stop: done; the run stops without cutting over.", page.text("#message"));
                page.waitUntil("the page shows the run stopped", "document.getElementById('phase').textContent === 'stopped'", PAGE_TIMEOUT);
                assertAllDisabled(page);
                assertEquals(List.of(), page.pageErrors());
            }
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void controlsDriveARunThatNeedsTheControlToken(TestDatabase db, @TempDir Path profile)
            throws Exception
    {
        Path chromium = chromium();
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq) FROM seq_1_to_3000");
        String yaml = ControlTesting.config(db.servers(), db.name(), "copy:\n  batchSize: 20\n  concurrency: 1\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml, plugins -> plugins);
                ControlServer server = new ControlServer(ferry);
                BackgroundRun run = new BackgroundRun(ferry)) {
            server.start();
            // capped before the copy starts, so that the copy (3,000 rows at 30 rows/s) lasts while the browser clicks;
            // the page's tuning form lifts the cap further down
            HttpResponse<String> capped = ControlTesting.send(server, "POST", "/api/tune", Map.of("Authorization", "Bearer " + TOKEN),
                    "{\"copy\": {\"rowsPerSecond\": 30}}");
            assertEquals(200, capped.statusCode(), capped.body());
            run.start();
            ControlServerIT.awaitStatus(server, run.result(), body -> body.get("phase").asText().equals("copying"));

            try (DevToolsPage page = DevToolsPage.launch(chromium, profile.resolve("devtools"))) {
                page.navigate(server.uri());
                page.waitUntil("the controls", "!document.getElementById('controls').hidden", PAGE_TIMEOUT);

                // the run as the page shows it: servers without passwords, start, elapsed time, applier lag
                JsonNode status = status(server);
                assertEquals(db.servers().source().host() + ":" + db.servers().source().port(), page.text("#source"));
                assertEquals(db.servers().source().user(), page.text("#source-user"));
                assertEquals(db.servers().target().host() + ":" + db.servers().target().port(), page.text("#target"));
                assertEquals(db.servers().target().user(), page.text("#target-user"));
                assertEquals(status.get("startedAt").asText(), page.text("#started-at"));
                assertTrue(page.text("#elapsed").matches("[0-9.]+(ms|s)|\\d+m \\d+s"), page.text("#elapsed"));
                // the applier lag shows when the status has /replication/lagSeconds, a dash otherwise
                JsonNode lag = status.at("/replication/lagSeconds");
                if (lag.isNumber()) {
                    assertNotEquals(StatusPage.NO_VALUE, page.text("#applier-lag"));
                }
                else {
                    assertEquals(StatusPage.NO_VALUE, page.text("#applier-lag"));
                }
                assertFalse(page.evaluate("document.getElementById('token-form').hidden").asBoolean(), "a token field, since control.token is set");
                assertTrue(page.disabled("#cutover"), "no cutover while copying");
                assertFalse(page.disabled("#pause-copy"));

                // no token yet: the click asks for it and sends nothing
                page.click("#pause-copy");
                page.waitUntil("the token prompt", "document.getElementById('controls').hasAttribute('data-awaiting-token')", PAGE_TIMEOUT);
                assertTrue(page.text("#message").startsWith("Pause copy: this ferry needs its control token"), page.text("#message"));
                assertFalse(status(server).at("/copy/throttle/throttlers/0/throttled").asBoolean(), "nothing was sent");

                // a wrong token: the command waiting for it is refused, the page says so and forgets the token, nothing changes
                page.fill("#token", "not-" + TOKEN);
                page.click("#token-use");
                page.waitUntil("the refusal", "document.getElementById('message').textContent.indexOf('HTTP 401') >= 0", PAGE_TIMEOUT);
                assertEquals("Pause copy: refused (HTTP 401), the control token is wrong or missing; nothing was changed. "
                        + "Enter the token of control.token and try again.", page.text("#message"));
                assertEquals("error", page.evaluate("document.getElementById('message').getAttribute('data-kind')").asText());
                assertTrue(page.evaluate("sessionStorage.getItem('ferry.controlToken') === null").asBoolean(), "a refused token is forgotten");
                JsonNode unchanged = status(server);
                assertFalse(unchanged.at("/copy/throttle/throttlers/0/throttled").asBoolean(), unchanged.toString());
                assertEquals("copying", unchanged.get("phase").asText());
                assertEquals(30, unchanged.at("/tuning/copyRowsPerSecond").asLong());

                // the right token is kept for the tab, not left in the field
                page.fill("#token", TOKEN);
                page.click("#token-use");
                page.waitUntil("the token kept", "sessionStorage.getItem('ferry.controlToken') !== null", PAGE_TIMEOUT);
                assertEquals(TOKEN, page.evaluate("sessionStorage.getItem('ferry.controlToken')").asText());
                assertEquals("", page.evaluate("document.getElementById('token').value").asText());
                assertEquals("token kept for this tab", page.text("#token-state"));

                // pause the copy: the status says so, no row moves, and the page swaps pause for unpause
                page.click("#pause-copy");
                awaitAnswer(page, "Pause copy");
                assertEquals("Pause copy: done; the copy holds before its next batch.", page.text("#message"));
                JsonNode paused = ControlServerIT.awaitStatus(server, run.result(), body -> body.at("/copy/throttle/throttlers/0/throttled").asBoolean());
                assertEquals("copy paused from the control API", paused.at("/copy/throttle/reason").asText());
                page.waitUntil("the page shows the pause", "document.getElementById('pause-copy').disabled && !document.getElementById('unpause-copy').disabled",
                        PAGE_TIMEOUT);
                assertEquals("throttled: copy paused from the control API", page.text("#copy-throttle"));
                // a batch under way when the pause came still finishes (and waits out the rows/s cap)
                Thread.sleep(2000);
                long held = status(server).at("/copy/rowsCopied").asLong();
                Thread.sleep(1500);
                assertEquals(held, status(server).at("/copy/rowsCopied").asLong(), "the copy went on while paused");
                assertFalse(ferry.tuning().pauser("replication").isThrottled(), "only the copy was paused");

                // unpause: it goes on
                page.click("#unpause-copy");
                awaitAnswer(page, "Unpause copy");
                assertEquals("Unpause copy: done; the copy goes on.", page.text("#message"));
                ControlServerIT.awaitStatus(server, run.result(),
                        body -> !body.at("/copy/throttle/throttled").asBoolean() && body.at("/copy/rowsCopied").asLong() > held);
                page.waitUntil("the page shows the copy going on", "!document.getElementById('pause-copy').disabled && document.getElementById('unpause-copy').disabled",
                        PAGE_TIMEOUT);

                // the tuning form shows each problem the API names, next to its field, and changes nothing
                page.fill("#tune-copy-batch-size", "0");
                page.fill("#tune-copy-concurrency", "4");
                page.click("#tune-apply");
                page.waitUntil("the tuning errors", "document.getElementById('message').textContent.indexOf('HTTP 400') >= 0", PAGE_TIMEOUT);
                String batchError = page.text(".field-error[data-key='copy.batchSize']");
                assertTrue(batchError.startsWith("must be between 1 and ") && batchError.endsWith("(got 0)"), batchError);
                assertTrue(page.text(".field-error[data-key='copy.concurrency']").startsWith("can be raised up to 1 while running"),
                        page.text(".field-error[data-key='copy.concurrency']"));
                assertEquals("", page.text(".field-error[data-key='copy.rowsPerSecond']"));
                assertTrue(page.text("#message").startsWith("Tune: failed (HTTP 400), POST /api/tune: copy.batchSize: must be between 1 and "), page.text("#message"));
                Path screenshot = Path.of("target", "status-page-controls.png").toAbsolutePath();
                page.screenshot(screenshot);
                assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the controls in " + screenshot);
                JsonNode untuned = status(server);
                assertEquals(20, untuned.at("/tuning/copyBatchSize").asInt());
                assertEquals(1, untuned.at("/tuning/copyConcurrency").asInt());

                // good values: applied, errors cleared, fields emptied; the lifted cap lets the copy finish
                page.fill("#tune-copy-batch-size", "500");
                page.fill("#tune-copy-concurrency", "");
                page.fill("#tune-copy-rows-per-second", "0");
                page.click("#tune-apply");
                page.waitUntil("the tuning applied", "document.getElementById('message').textContent.indexOf('Tune: applied') === 0", PAGE_TIMEOUT);
                assertEquals("Tune: applied; copy batch size 500, copy concurrency 1, copy rows/s cap none, replication batch size "
                        + ferry.config().replication().batchSize() + ".", page.text("#message"));
                assertEquals("", page.text(".field-error[data-key='copy.batchSize']"));
                assertEquals("", page.evaluate("document.getElementById('tune-copy-batch-size').value").asText());
                JsonNode tuned = status(server);
                assertEquals(500, tuned.at("/tuning/copyBatchSize").asInt());
                assertEquals(0, tuned.at("/tuning/copyRowsPerSecond").asLong());

                // cutover: offered once the run waits for it, then the run ends done
                ControlServerIT.awaitStatus(server, run.result(), body -> body.get("phase").asText().equals("waiting-for-cutover"));
                page.waitUntil("the cutover button", "!document.getElementById('cutover').disabled", PAGE_TIMEOUT);
                assertTrue(page.disabled("#pause-copy"), "the copy is done");
                assertFalse(page.disabled("#pause-replication"));
                confirmEverything(page);
                page.click("#cutover");
                RunResult result = run.result().get(90, TimeUnit.SECONDS);
                assertEquals(FerryPhase.DONE, result.phase(), result.message());
                assertTrue(page.evaluate("window.confirmed").asText().startsWith("Cut over now?"));
                awaitAnswer(page, "Cutover");
                assertEquals("Cutover: done; the cutover starts once the binlog applier is close to the source.", page.text("#message"));
                page.waitUntil("the page shows the run done", "document.getElementById('phase').textContent === 'done'", PAGE_TIMEOUT);
                assertAllDisabled(page);
                db.assertTargetEqualsSource();

                // the token went in headers only: in no address the page fetched, and not into the page
                assertEquals(server.uri().toString(), page.evaluate("location.href").asText());
                JsonNode addresses = page.evaluate("performance.getEntriesByType('resource').map(function (entry) { return entry.name; })");
                assertTrue(addresses.size() > 0, addresses.toString());
                assertFalse(addresses.toString().contains(TOKEN), addresses.toString());
                String html = page.evaluate("document.documentElement.outerHTML").asText();
                assertFalse(html.contains(TOKEN), "the token is not in the page");
                assertFalse(html.contains(db.source().password()) || html.contains(db.target().password()), "a password is on the page");
                assertEquals(List.of(), page.pageErrors());
            }
        }
    }

    /**
     * Waits until the page shows the server's answer to the command {@code label}.
     */
    private static void awaitAnswer(DevToolsPage page, String label)
            throws InterruptedException
    {
        page.waitUntil("the answer to " + label, "document.getElementById('message').textContent.indexOf(" + JSON.valueToTree(label + ": ")
                + ") === 0 && document.getElementById('message').getAttribute('data-kind') !== 'info'", PAGE_TIMEOUT);
    }

    /**
     * Answers the page's confirmation questions with yes, keeping the last one in {@code window.confirmed}.
     */
    private static void confirmEverything(DevToolsPage page)
            throws InterruptedException
    {
        page.evaluate("window.confirm = function (question) { window.confirmed = question; return true; }; true");
    }

    private static void assertAllDisabled(DevToolsPage page)
            throws InterruptedException
    {
        for (String button : List.of("#pause-copy", "#unpause-copy", "#pause-replication", "#unpause-replication", "#verify", "#cutover", "#stop", "#tune-apply")) {
            assertTrue(page.disabled(button), button + " is disabled once the run ended");
        }
    }

    private static JsonNode status(ControlServer server)
            throws IOException, InterruptedException
    {
        HttpResponse<String> response = ControlTesting.get(server, "/api/status");
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /**
     * {@code value of max} of every table progress bar, sorted.
     */
    private static List<String> progressBars(String dom)
    {
        Matcher matcher = Pattern.compile("<progress class=\"table-progress\" value=\"(\\d+)\" max=\"(\\d+)\" data-rows-copied=\"(\\d+)\"").matcher(dom);
        List<String> bars = new ArrayList<>();
        while (matcher.find()) {
            assertEquals(matcher.group(1), matcher.group(3));
            bars.add(matcher.group(1) + " of " + matcher.group(2));
        }
        bars.sort(null);
        return bars;
    }

    private static String browse(Path chromium, Path profile, String... arguments)
            throws IOException, InterruptedException
    {
        Files.createDirectories(profile);
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        File stderr = profile.resolve("stderr.txt").toFile();
        Process process = new ProcessBuilder(command).redirectError(stderr).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        if (!process.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Chromium did not finish within " + BROWSER_TIMEOUT_SECONDS + "s: " + String.join(" ", command) + "\n" + Files.readString(stderr.toPath()));
        }
        if (process.exitValue() != 0) {
            fail("Chromium exited with " + process.exitValue() + ": " + String.join(" ", command) + "\n" + Files.readString(stderr.toPath()));
        }
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /**
     * A run on its own daemon thread. Closing it asks the run to stop and waits, bounded, for the
     * thread to end, so that a failing test leaves no run (or paused copy) behind for the next.
     */
    private static final class BackgroundRun
            implements AutoCloseable
    {
        private final Ferry ferry;
        private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "status-page-it-run");
            thread.setDaemon(true);
            return thread;
        });
        private Future<RunResult> result;

        BackgroundRun(Ferry ferry)
        {
            this.ferry = ferry;
        }

        void start()
        {
            result = executor.submit(ferry::run);
        }

        Future<RunResult> result()
        {
            return result;
        }

        @Override
        public void close()
                throws InterruptedException
        {
            if (result != null && !result.isDone()) {
                ferry.requestStop();
            }
            executor.shutdownNow();
            if (!executor.awaitTermination(RUN_END_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the run did not end within " + RUN_END_SECONDS + "s of being stopped");
            }
        }
    }

    private static Path chromium()
    {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("FERRY_CHROMIUM")).filter(path -> !path.isBlank()).ifPresent(candidates::add);
        for (String directory : Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, "chromium").toString());
            }
        }
        candidates.addAll(CANDIDATES);
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        throw new AssertionError("Chromium is not installed, so the status page cannot be checked in a browser: install it with "
                + "`apt-get install -y chromium` (Debian; scripts/test does so), or set FERRY_CHROMIUM to a Chromium or Chrome binary. Looked for: "
                + candidates);
    }
}
