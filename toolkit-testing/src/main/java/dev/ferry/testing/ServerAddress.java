package dev.ferry.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a server is and how to log in; {@link #connect()} checks both accounts and learns the
 * server's version.
 */
record ServerAddress(
        String role,
        String host,
        int port,
        String user,
        String password,
        String adminUser,
        String adminPassword,
        Optional<ServerFlavor> declaredFlavor)
{
    ServerAddress
    {
        requireNonNull(role, "role is null");
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(adminUser, "adminUser is null");
        requireNonNull(adminPassword, "adminPassword is null");
        requireNonNull(declaredFlavor, "declaredFlavor is null");
    }

    MySqlServer connect()
    {
        // the flavor is only known after connecting; MYSQL is a placeholder for the probe
        MySqlServer probe = new MySqlServer(role, host, port, user, password, adminUser, adminPassword, ServerFlavor.MYSQL, "unknown");
        String version;
        try (Connection connection = probe.openAdmin();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT VERSION()")) {
            resultSet.next();
            version = resultSet.getString(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(role + ": cannot connect to " + host + ":" + port + " as admin user " + adminUser + ": " + e.getMessage(), e);
        }
        try (Connection ignored = probe.open()) {
            // the unprivileged account must work too: every IT relies on it
        }
        catch (SQLException e) {
            throw new IllegalStateException(role + ": cannot connect to " + host + ":" + port + " as user " + user + ": " + e.getMessage(), e);
        }
        ServerFlavor detected = ServerFlavor.fromVersion(version);
        if (declaredFlavor.isPresent() && declaredFlavor.get() != detected) {
            throw new IllegalStateException(role + ": " + ServerEnvironment.FLAVOR + " says " + declaredFlavor.get() + " but " + host + ":" + port + " runs " + version);
        }
        return new MySqlServer(role, host, port, user, password, adminUser, adminPassword, detected, version);
    }

    @Override
    public String toString()
    {
        return role + " at " + host + ":" + port + " (user " + user + ", admin " + adminUser + ")";
    }
}
