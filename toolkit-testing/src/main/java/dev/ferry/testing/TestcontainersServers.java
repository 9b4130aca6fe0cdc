package dev.ferry.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two MySQL 8.4 containers through Testcontainers, used when a Docker engine is around.
 * Testcontainers is reached by reflection: it cannot sit on the module path (split package), so
 * this module must not require it; it is a runtime dependency on the class path.
 */
final class TestcontainersServers
{
    static final String IMAGE = "mysql:8.4";

    private static final String CONTAINER_CLASS = "org.testcontainers.mysql.MySQLContainer";
    private static final int MYSQL_PORT = 3306;
    private static final String SOURCE_GRANTS = "SELECT, RELOAD, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT, PROCESS";
    private static final String TARGET_GRANTS = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT";

    private TestcontainersServers() {}

    /**
     * Why the Docker route cannot be taken, or empty if it can.
     */
    static Optional<String> unavailableReason(Map<String, String> environment)
    {
        String dockerHost = environment.get("DOCKER_HOST");
        if ((dockerHost == null || dockerHost.isBlank()) && !Files.exists(Path.of("/var/run/docker.sock"))) {
            return Optional.of("no Docker engine (DOCKER_HOST is not set and /var/run/docker.sock does not exist)");
        }
        try {
            Class.forName(CONTAINER_CLASS, false, TestcontainersServers.class.getClassLoader());
        }
        catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("Docker is there but Testcontainers is not on the class path (" + CONTAINER_CLASS + ")");
        }
        return Optional.empty();
    }

    static List<ServerAddress> start()
    {
        List<ServerAddress> addresses = new ArrayList<>();
        addresses.add(startContainer("source", 1, SOURCE_GRANTS));
        addresses.add(startContainer("target", 2, TARGET_GRANTS));
        return addresses;
    }

    private static ServerAddress startContainer(String role, int serverId, String grants)
    {
        String rootPassword = randomPassword();
        String ferryPassword = randomPassword();
        Object container;
        try {
            Class<?> type = Class.forName(CONTAINER_CLASS, true, TestcontainersServers.class.getClassLoader());
            container = type.getConstructor(String.class).newInstance(IMAGE);
            invoke(container, "withUsername", new Class<?>[] {String.class}, "root");
            invoke(container, "withPassword", new Class<?>[] {String.class}, rootPassword);
            String[] command = {
                    "mysqld",
                    "--server-id=" + serverId,
                    "--log-bin=binlog",
                    "--binlog-format=ROW",
                    "--binlog-row-image=FULL",
                    "--binlog-row-metadata=FULL",
                    "--gtid-mode=ON",
                    "--enforce-gtid-consistency=ON",
                    "--log-replica-updates=ON",
                    "--max-allowed-packet=268435456",
                    "--innodb-buffer-pool-size=268435456",
                    "--innodb-flush-log-at-trx-commit=2",
                    "--sync-binlog=0",
                    "--max-connections=500",
                    "--local-infile=1",
                    // the statement text of row events: how ferry tells its own writes to the target from others'
                    "--binlog-rows-query-log-events=ON",
            };
            invoke(container, "withCommand", new Class<?>[] {String[].class}, (Object) command);
            invoke(container, "start", new Class<?>[0]);
        }
        catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new IllegalStateException(role + ": cannot start a " + IMAGE + " container: " + cause, cause);
        }
        Object started = container;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                invoke(started, "stop", new Class<?>[0]);
            }
            catch (ReflectiveOperationException ignored) {
                // Testcontainers' own reaper removes the container anyway
            }
        }, "stop-" + role + "-container"));
        String host;
        int port;
        try {
            host = (String) invoke(container, "getHost", new Class<?>[0]);
            port = (Integer) invoke(container, "getMappedPort", new Class<?>[] {int.class}, MYSQL_PORT);
        }
        catch (ReflectiveOperationException e) {
            throw new IllegalStateException(role + ": cannot read the address of the " + IMAGE + " container", e);
        }
        MySqlServer admin = new ServerAddress(role, host, port, "root", rootPassword, "root", rootPassword, Optional.of(ServerFlavor.MYSQL)).connect();
        admin.execute(
                "CREATE USER 'ferry'@'%' IDENTIFIED BY '" + ferryPassword + "'",
                "GRANT " + grants + " ON *.* TO 'ferry'@'%'");
        return new ServerAddress(role, host, port, "ferry", ferryPassword, "root", rootPassword, Optional.of(ServerFlavor.MYSQL));
    }

    private static Object invoke(Object target, String name, Class<?>[] parameterTypes, Object... arguments)
            throws ReflectiveOperationException
    {
        Method method = target.getClass().getMethod(name, parameterTypes);
        return method.invoke(target, arguments);
    }

    private static String randomPassword()
    {
        SecureRandom random = new SecureRandom();
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder password = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }
}
