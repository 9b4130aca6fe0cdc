package dev.ferry.runtime.control;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The status page as headless Chromium renders it, scripts included, during a real run. Fails
 * (never skips) when Chromium is missing.
 */
@RealServers
class StatusPageBrowserIT
{
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
            "/usr/bin/google-chrome-stable");
    private static final long BROWSER_TIMEOUT_SECONDS = 90;

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
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = ControlTesting.create(db.servers(), yaml, plugins -> plugins);
                ControlServer server = new ControlServer(ferry)) {
            server.start();
            Future<RunResult> run = executor.submit(ferry::run);
            ControlServerIT.awaitStatus(server, run, body -> body.get("phase").asText().equals("waiting-for-cutover"));

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
            Matcher refreshed = Pattern.compile("<body data-refreshes=\"(\\d+)\"").matcher(dom);
            assertTrue(refreshed.find(), "the page's script re-fetched the status at least once: " + dom);

            Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            browse(chromium, profile.resolve("screenshot"), "--window-size=1280,900", "--screenshot=" + screenshot, server.uri().toString());
            assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page in " + screenshot);

            assertEquals(202, ControlTesting.post(server, "/api/stop", null).statusCode());
            assertEquals(FerryPhase.STOPPED, run.get(60, TimeUnit.SECONDS).phase());
        }
        finally {
            executor.shutdownNow();
        }
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
