package dev.ferry.cli;

import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.TestDatabase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bin/ferry} of the built distribution running as its own process, its standard output
 * and error going to files, with the control server it announces on standard error.
 */
final class FerryProcess
{
    static final int EXIT_SIGKILL = 137;

    private static final Pattern CONTROL_URL = Pattern.compile("ferry: control server at (http://\\S+?)/?\\s");
    private static final Pattern PHASE = Pattern.compile("\"phase\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PERCENT = Pattern.compile("\"percent\"\\s*:\\s*([0-9.Ee+-]+)");
    private static final Pattern TABLES_DONE = Pattern.compile("\"tablesDone\"\\s*:\\s*(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * What {@code GET /api/status} said: the run's phase, the copy's percentage, tables copied.
     */
    record Status(String phase, double percent, int tablesDone) {}

    private final List<String> command;
    private final Process process;
    private final Path out;
    private final Path err;
    private volatile String controlUrl;

    private FerryProcess(List<String> command, Process process, Path out, Path err)
    {
        this.command = command;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * The distribution the ITs run, {@code ferry.dist.dir} (set by the build).
     *
     * @throws IllegalStateException outside Maven, where the property is not set
     */
    static Path distributionHome()
    {
        String dir = System.getProperty("ferry.dist.dir");
        if (dir == null || dir.isBlank() || dir.startsWith("${")) {
            throw new IllegalStateException("system property ferry.dist.dir is not set: run this test through Maven (mvn verify)");
        }
        return Path.of(dir);
    }

    /**
     * Starts {@code home/bin/ferry args} in {@code directory}, with the given environment on top
     * of this JVM's ({@code JAVA_HOME} set to this JVM's, {@code JAVA_OPTS} to {@code javaOptions}).
     */
    /**
     * A {@code source:} or {@code target:} config section for {@code server}, its password read
     * from {@code FERRY_SOURCE_PASSWORD} or {@code FERRY_TARGET_PASSWORD} ({@link #passwords}).
     */
    static String serverYaml(String role, MySqlServer server)
    {
        return role + ":\n  host: " + server.host() + "\n  port: " + server.port() + "\n  user: " + server.user()
                + "\n  passwordEnv: FERRY_" + role.toUpperCase(Locale.ROOT) + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }

    /**
     * The environment {@link #serverYaml} sections read their passwords from.
     */
    static Map<String, String> passwords(TestDatabase db)
    {
        return Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password());
    }

    /**
     * {@code copydb --config config}, with {@code --resume} when asked.
     */
    static FerryProcess copydb(Path home, Path directory, TestDatabase db, String javaOptions, Path config, boolean resume)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of("copydb", "--config", config.toString()));
        if (resume) {
            args.add("--resume");
        }
        return start(home, directory, passwords(db), javaOptions, args.toArray(String[]::new));
    }

    static FerryProcess start(Path home, Path directory, Map<String, String> environment, String javaOptions, String... args)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/ferry").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> env = builder.environment();
        env.remove("FERRY_OPTS");
        env.put("JAVA_OPTS", javaOptions);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(environment);
        Path out = Files.createTempFile(directory, "ferry-out-", ".txt");
        Path err = Files.createTempFile(directory, "ferry-err-", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new FerryProcess(command, builder.start(), out, err);
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * The control server's base URL (no trailing slash), once the process printed it.
     *
     * @throws AssertionError when the process ended or did not print it in time
     */
    String controlUrl(Duration timeout)
            throws IOException, InterruptedException
    {
        String known = controlUrl;
        if (known != null) {
            return known;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher matcher = CONTROL_URL.matcher(Files.readString(err));
            if (matcher.find()) {
                controlUrl = matcher.group(1);
                return controlUrl;
            }
            if (!process.isAlive()) {
                throw new AssertionError("ferry ended (exit " + process.exitValue() + ") before announcing its control server\n" + this);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("ferry did not announce its control server within " + timeout + "\n" + this);
            }
            Thread.sleep(50);
        }
    }

    /**
     * {@code GET /api/status}; empty when the server does not answer (not up yet, or gone).
     */
    Optional<Status> status()
            throws IOException, InterruptedException
    {
        String base = controlUrl(Duration.ofSeconds(60));
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        String body = response.body();
        Matcher phase = PHASE.matcher(body);
        Matcher percent = PERCENT.matcher(body);
        Matcher tablesDone = TABLES_DONE.matcher(body);
        if (!phase.find()) {
            throw new AssertionError("no phase in /api/status: " + body);
        }
        return Optional.of(new Status(phase.group(1), percent.find() ? Double.parseDouble(percent.group(1)) : 0,
                tablesDone.find() ? Integer.parseInt(tablesDone.group(1)) : 0));
    }

    /**
     * {@code POST path} to the control server.
     *
     * @return the HTTP status
     */
    int post(String path)
            throws IOException, InterruptedException
    {
        String base = controlUrl(Duration.ofSeconds(60));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return response.statusCode();
    }

    /**
     * POSTs a JSON body; returns the status code and the answer.
     */
    HttpResponse<String> postJson(String path, String json)
            throws IOException, InterruptedException
    {
        String base = controlUrl(Duration.ofSeconds(60));
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * Polls the status until its phase is {@code phase}.
     *
     * @throws AssertionError when the process ends first or the timeout passes
     */
    Status awaitPhase(String phase, Duration timeout)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        Status last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("ferry ended (exit " + process.exitValue() + ") while waiting for phase " + phase + "\n" + this);
            }
            Optional<Status> status = status();
            if (status.isPresent()) {
                last = status.get();
                if (last.phase().equals(phase)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("ferry did not reach phase " + phase + " within " + timeout + " (last status " + last + ")\n" + this);
    }

    /**
     * SIGKILL, then waits for the process to go.
     */
    int kill()
            throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("ferry did not die within 30s of SIGKILL\n" + this);
        }
        return process.exitValue();
    }

    /**
     * SIGTERM, then waits for the process to end.
     */
    int terminate(Duration timeout)
            throws InterruptedException
    {
        process.destroy();
        return await(timeout);
    }

    /**
     * Waits for the process to end; kills it and fails when it does not in time.
     */
    int await(Duration timeout)
            throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            String heap = heapSummary();
            String threads = threadDump();
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("ferry did not end within " + timeout + "\n" + this + "\n--- its heap before the kill:\n" + heap
                    + "\n--- its threads before the kill:\n" + threads);
        }
        return process.exitValue();
    }

    /**
     * The JVM's thread dump (SIGQUIT; bin/ferry execs java, so this is the JVM's pid), or why
     * there is none: what a hung run was doing.
     */
    private String threadDump()
            throws InterruptedException
    {
        try {
            long before = Files.size(out);
            Process quit = new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).redirectErrorStream(true).start();
            quit.waitFor(5, TimeUnit.SECONDS);
            String dump = "";
            for (int i = 0; i < 50 && !dump.contains("JNI global refs"); i++) {
                Thread.sleep(100);
                byte[] bytes = Files.readAllBytes(out);
                dump = new String(bytes, (int) Math.min(before, bytes.length), (int) Math.max(0, bytes.length - before), StandardCharsets.UTF_8);
            }
            return dump.length() > 40_000 ? dump.substring(0, 40_000) + "\n..." : dump;
        }
        catch (IOException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /**
     * The JVM's heap use and its 30 largest classes by bytes ({@code jcmd} of the JDK running the
     * tests), or why there are none: whether a slow run was short of memory (a run that spent its
     * time collecting garbage showed only as a busy "VM Thread" in the thread dump).
     */
    private String heapSummary()
            throws InterruptedException
    {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return "(no heap summary: " + jcmd + " is not there)";
        }
        StringBuilder summary = new StringBuilder();
        for (String command : List.of("GC.heap_info", "GC.class_histogram")) {
            try {
                Process jcmdProcess = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command).redirectErrorStream(true).start();
                byte[] output = jcmdProcess.getInputStream().readAllBytes();
                jcmdProcess.waitFor(30, TimeUnit.SECONDS);
                List<String> lines = new String(output, StandardCharsets.UTF_8).lines().toList();
                summary.append(String.join("\n", lines.subList(0, Math.min(lines.size(), 34)))).append('\n');
            }
            catch (IOException e) {
                summary.append("(no ").append(command).append(": ").append(e).append(")\n");
            }
        }
        return summary.toString();
    }

    /**
     * Kills the process if it is still running: for cleanup after a failed test.
     */
    void destroyQuietly()
    {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String out()
    {
        return read(out);
    }

    String err()
    {
        return read(err);
    }

    private static String read(Path file)
    {
        try {
            return Files.readString(file);
        }
        catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString()
    {
        String errText = err();
        if (errText.length() > 6000) {
            errText = "..." + errText.substring(errText.length() - 6000);
        }
        return String.join(" ", command) + (process.isAlive() ? "\n(running)" : "\nexit " + process.exitValue())
                + "\n--- out:\n" + out() + "--- err (" + err + "):\n" + errText;
    }
}
