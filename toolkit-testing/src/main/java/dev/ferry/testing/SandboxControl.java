package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Faults on the project's own servers ({@code scripts/mysql-sandbox}): restart one, or stall it
 * ({@code SIGSTOP}, then {@code SIGCONT}). Only for servers this machine runs from the sandbox; a
 * test needing it says so when the servers are external ({@link #of} is empty).
 */
public final class SandboxControl
{
    public static final String SOURCE = "source";
    public static final String TARGET = "target";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    private final Path script;
    private final Path stateDirectory;

    private SandboxControl(Path script, Path stateDirectory)
    {
        this.script = requireNonNull(script, "script is null");
        this.stateDirectory = requireNonNull(stateDirectory, "stateDirectory is null");
    }

    /**
     * The sandbox that runs {@code source} and {@code target}, if they are the sandbox's
     * ({@code FERRY_SANDBOX_DIR}, else {@code <repository>/target/sandbox}, with the same ports).
     */
    public static Optional<SandboxControl> of(MySqlServer source, MySqlServer target)
    {
        Map<String, String> environment = System.getenv();
        Optional<Path> repository = SandboxServers.findRepository(environment, Path.of("").toAbsolutePath());
        if (repository.isEmpty()) {
            return Optional.empty();
        }
        String configured = environment.get(SandboxServers.SANDBOX_DIR);
        Path directory = configured == null || configured.isBlank()
                ? repository.get().resolve("target/sandbox")
                : Path.of(configured).toAbsolutePath().normalize();
        if (!portMatches(directory, SOURCE, source) || !portMatches(directory, TARGET, target)) {
            return Optional.empty();
        }
        return Optional.of(new SandboxControl(repository.get().resolve(SandboxServers.SCRIPT), directory));
    }

    private static boolean portMatches(Path directory, String instance, MySqlServer server)
    {
        Path port = directory.resolve(instance).resolve("port");
        try {
            return Files.isRegularFile(port) && Files.readString(port).trim().equals(Integer.toString(server.port()))
                    && ("127.0.0.1".equals(server.host()) || "localhost".equals(server.host()));
        }
        catch (IOException e) {
            return false;
        }
    }

    /**
     * Shuts {@code instance} down cleanly ({@code SIGTERM}: committed transactions survive, as
     * the sandbox flushes the redo log only once a second) and starts it again on its port.
     */
    public void restart(String instance)
            throws InterruptedException
    {
        ProcessHandle server = server(instance);
        server.destroy();
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (server.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(instance + " (pid " + server.pid() + ") did not stop within " + STOP_TIMEOUT);
            }
            Thread.sleep(50);
        }
        SandboxServers.run(script, "start");
    }

    /**
     * Freezes {@code instance} for {@code duration}: its connections stay open, it answers nothing.
     */
    public void stall(String instance, Duration duration)
            throws InterruptedException
    {
        long pid = server(instance).pid();
        signal("STOP", pid);
        try {
            Thread.sleep(duration.toMillis());
        }
        finally {
            signal("CONT", pid);
        }
    }

    private ProcessHandle server(String instance)
    {
        Path pidFile = stateDirectory.resolve(instance).resolve("mysqld.pid");
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .orElseThrow(() -> new IllegalStateException(instance + " is not running (pid " + pid + " from " + pidFile + ")"));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile, e);
        }
    }

    private static void signal(String signal, long pid)
            throws InterruptedException
    {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed with exit code " + kill.exitValue());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
        }
    }
}
