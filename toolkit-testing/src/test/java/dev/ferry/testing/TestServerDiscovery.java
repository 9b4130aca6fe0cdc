package dev.ferry.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TestServerDiscovery
{
    @TempDir
    Path temp;

    @Test
    void unreachableExternalServersFailWithHowToGetServers()
    {
        Map<String, String> environment = new HashMap<>();
        for (String role : new String[] {"SOURCE", "TARGET"}) {
            environment.put("FERRY_" + role + "_HOST", "127.0.0.1");
            // port 1 on loopback: refused at once
            environment.put("FERRY_" + role + "_PORT", "1");
            environment.put("FERRY_" + role + "_USER", "ferry");
            environment.put("FERRY_" + role + "_PASSWORD", "pw-that-must-not-show");
            environment.put("FERRY_" + role + "_ADMIN_USER", "root");
            environment.put("FERRY_" + role + "_ADMIN_PASSWORD", "pw-that-must-not-show");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ServerDiscovery.discover(environment, temp));
        String message = e.getMessage();
        assertTrue(message.startsWith("no MySQL-family servers for the integration tests."), message);
        assertTrue(message.contains("environment: source: cannot connect to 127.0.0.1:1 as admin user root"), message);
        assertTrue(message.contains("scripts/mysql-sandbox start && eval \"$(scripts/mysql-sandbox env)\""), message);
        assertTrue(message.contains("FERRY_SOURCE_HOST"), message);
        assertTrue(message.contains("Docker"), message);
        assertFalse(message.contains("pw-that-must-not-show"), message);
    }

    @Test
    void incompleteEnvironmentFails()
    {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServerDiscovery.discover(Map.of("FERRY_SOURCE_HOST", "db.example"), temp));
        assertTrue(e.getMessage().contains("FERRY_SOURCE_USER is not set"), e.getMessage());
    }

    @Test
    void nothingAvailableListsEveryAttempt()
    {
        // only meaningful (and fast) where no Docker engine is around
        assumeTrue(TestcontainersServers.unavailableReason(System.getenv()).isPresent(), "a Docker engine is around");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ServerDiscovery.discover(Map.of(), temp));
        String message = e.getMessage();
        assertTrue(message.contains("environment: FERRY_SOURCE_HOST is not set"), message);
        assertTrue(message.contains("Testcontainers: no Docker engine"), message);
        assertTrue(message.contains("sandbox: no scripts/mysql-sandbox found"), message);
    }
}
