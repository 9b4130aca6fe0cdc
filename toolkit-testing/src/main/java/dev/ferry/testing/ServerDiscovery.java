package dev.ferry.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the servers once per JVM, in this order: the {@code FERRY_SOURCE_*}/{@code FERRY_TARGET_*}
 * environment, Testcontainers when a Docker engine is around, the project's sandbox. A failure is
 * remembered too, so every later test fails at once with the same explanation.
 */
final class ServerDiscovery
{
    private static final Object LOCK = new Object();
    private static ServerPair servers;
    private static IllegalStateException failure;

    private ServerDiscovery() {}

    static ServerPair servers()
    {
        synchronized (LOCK) {
            if (servers == null && failure == null) {
                try {
                    servers = discover(System.getenv(), Path.of(System.getProperty("user.dir")));
                    System.err.println("[ferry-testing] servers: " + servers.describe());
                }
                catch (RuntimeException e) {
                    failure = e instanceof IllegalStateException state ? state : new IllegalStateException(e.getMessage(), e);
                }
            }
            if (failure != null) {
                // a fresh exception per test, so stack traces do not pile up on one instance
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            return servers;
        }
    }

    static ServerPair discover(Map<String, String> environment, Path workingDirectory)
    {
        Optional<List<ServerAddress>> external;
        try {
            external = ServerEnvironment.addresses(environment);
        }
        catch (IllegalArgumentException e) {
            throw noServers(List.of("environment: " + e.getMessage()));
        }
        if (external.isPresent()) {
            try {
                return connect(external.get(), "external servers from FERRY_SOURCE_*/FERRY_TARGET_* environment variables");
            }
            catch (RuntimeException e) {
                // the user chose these servers: do not silently test against others
                throw noServers(List.of("environment: " + e.getMessage()));
            }
        }

        List<String> attempts = new ArrayList<>();
        attempts.add("environment: " + ServerEnvironment.SOURCE_HOST + " is not set");

        Optional<String> dockerUnavailable = TestcontainersServers.unavailableReason(environment);
        if (dockerUnavailable.isEmpty()) {
            try {
                return connect(TestcontainersServers.start(), "Testcontainers " + TestcontainersServers.IMAGE);
            }
            catch (RuntimeException e) {
                attempts.add("Testcontainers: " + e.getMessage());
            }
        }
        else {
            attempts.add("Testcontainers: " + dockerUnavailable.get());
        }

        Optional<Path> repository = SandboxServers.findRepository(environment, workingDirectory);
        if (repository.isEmpty()) {
            attempts.add("sandbox: no " + SandboxServers.SCRIPT + " found from " + SandboxServers.SANDBOX_DIR + " or at or above " + workingDirectory);
            throw noServers(attempts);
        }
        try {
            Map<String, String> variables = SandboxServers.startAndReadEnvironment(repository.get());
            List<ServerAddress> addresses = ServerEnvironment.addresses(variables)
                    .orElseThrow(() -> new IllegalStateException(SandboxServers.SCRIPT + " env printed no " + ServerEnvironment.SOURCE_HOST));
            return connect(addresses, "sandbox " + repository.get().resolve(SandboxServers.SCRIPT));
        }
        catch (RuntimeException e) {
            attempts.add("sandbox: " + e.getMessage());
            throw noServers(attempts);
        }
    }

    private static ServerPair connect(List<ServerAddress> addresses, String origin)
    {
        return new ServerPair(addresses.get(0).connect(), addresses.get(1).connect(), origin);
    }

    private static IllegalStateException noServers(List<String> attempts)
    {
        StringBuilder message = new StringBuilder("no MySQL-family servers for the integration tests.\nTried:\n");
        for (String attempt : attempts) {
            message.append("  - ").append(attempt).append('\n');
        }
        message.append("To get servers:\n");
        for (String way : SandboxServers.howToGetServers()) {
            message.append("  - ").append(way).append('\n');
        }
        return new IllegalStateException(message.toString());
    }
}
