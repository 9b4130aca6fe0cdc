package dev.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The project's own servers: {@code scripts/mysql-sandbox start}, then {@code env}.
 */
final class SandboxServers
{
    static final String SCRIPT = "scripts/mysql-sandbox";
    static final String SANDBOX_DIR = "FERRY_SANDBOX_DIR";

    // a fresh machine may first have to apt-get install MariaDB
    private static final long START_TIMEOUT_MINUTES = 10;

    private SandboxServers() {}

    /**
     * The repository holding {@code scripts/mysql-sandbox}: the grandparent of
     * {@code FERRY_SANDBOX_DIR} (which is {@code <repo>/target/sandbox}) if that holds the script,
     * else the nearest directory at or above {@code workingDirectory} that does.
     */
    static Optional<Path> findRepository(Map<String, String> environment, Path workingDirectory)
    {
        requireNonNull(environment, "environment is null");
        requireNonNull(workingDirectory, "workingDirectory is null");
        String sandboxDir = environment.get(SANDBOX_DIR);
        if (sandboxDir != null && !sandboxDir.isBlank()) {
            Path candidate = Path.of(sandboxDir).toAbsolutePath().normalize().getParent();
            candidate = candidate == null ? null : candidate.getParent();
            if (candidate != null && Files.isRegularFile(candidate.resolve(SCRIPT))) {
                return Optional.of(candidate);
            }
        }
        for (Path directory = workingDirectory.toAbsolutePath().normalize(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve(SCRIPT))) {
                return Optional.of(directory);
            }
        }
        return Optional.empty();
    }

    static Map<String, String> startAndReadEnvironment(Path repository)
    {
        Path script = repository.resolve(SCRIPT);
        run(script, "start");
        return ServerEnvironment.parseExports(run(script, "env"));
    }

    static String run(Path script, String command)
    {
        Path errors;
        try {
            errors = Files.createTempFile("ferry-sandbox-", ".log");
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command)
                    .directory(script.getParent().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(errors.toFile());
            Process process = builder.start();
            CompletableFuture<String> stdout = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (InputStream stream = process.getInputStream()) {
                    stdout.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
                }
                catch (IOException e) {
                    stdout.completeExceptionally(e);
                }
            }, "mysql-sandbox-" + command);
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " " + command + " did not finish within " + START_TIMEOUT_MINUTES + " minutes:\n" + Files.readString(errors));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(script + " " + command + " failed with exit code " + process.exitValue() + ":\n" + Files.readString(errors));
            }
            return stdout.get(1, TimeUnit.MINUTES);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script + " " + command, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the output of " + script + " " + command, e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script + " " + command + ": " + e.getMessage(), e);
        }
        finally {
            try {
                Files.deleteIfExists(errors);
            }
            catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    static List<String> howToGetServers()
    {
        return List.of(
                "start the project's sandbox: scripts/mysql-sandbox start && eval \"$(scripts/mysql-sandbox env)\"",
                "or point the tests at servers of your own: export FERRY_SOURCE_HOST, FERRY_SOURCE_PORT, FERRY_SOURCE_USER, FERRY_SOURCE_PASSWORD, "
                        + "FERRY_SOURCE_ADMIN_USER, FERRY_SOURCE_ADMIN_PASSWORD and the same FERRY_TARGET_* (grants: docs/privileges.md)",
                "or run a Docker engine (Testcontainers then starts MySQL 8.4)");
    }
}
