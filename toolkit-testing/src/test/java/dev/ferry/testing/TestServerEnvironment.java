package dev.ferry.testing;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestServerEnvironment
{
    private static final String SANDBOX_OUTPUT = """
            export FERRY_SOURCE_HOST=127.0.0.1
            export FERRY_SOURCE_PORT=41366
            export FERRY_SOURCE_USER=ferry
            export FERRY_SOURCE_PASSWORD=s3cretA
            export FERRY_SOURCE_ADMIN_USER=root
            export FERRY_SOURCE_ADMIN_PASSWORD=r00tA
            export FERRY_TARGET_HOST=127.0.0.1
            export FERRY_TARGET_PORT=22736
            export FERRY_TARGET_USER=ferry
            export FERRY_TARGET_PASSWORD=s3cretA
            export FERRY_TARGET_ADMIN_USER=root
            export FERRY_TARGET_ADMIN_PASSWORD=r00tA
            export FERRY_SERVER_FLAVOR=mariadb
            """;

    @Test
    void parsesSandboxOutput()
    {
        Map<String, String> variables = ServerEnvironment.parseExports(SANDBOX_OUTPUT);
        assertEquals(13, variables.size());
        assertEquals("41366", variables.get("FERRY_SOURCE_PORT"));
        assertEquals("mariadb", variables.get("FERRY_SERVER_FLAVOR"));
    }

    @Test
    void parsesQuotesCommentsAndBareAssignments()
    {
        Map<String, String> variables = ServerEnvironment.parseExports("""
                # comment

                export A='with space'
                export B="double"
                C=bare
                export D=
                export E=a=b
                """);
        assertEquals(Map.of("A", "with space", "B", "double", "C", "bare", "D", "", "E", "a=b"), variables);
    }

    @Test
    void rejectsOtherLinesWithoutShowingPasswords()
    {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerEnvironment.parseExports("mysql-sandbox: something broke\n"));
        assertEquals("line 1 is not an export: mysql-sandbox: something broke", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerEnvironment.parseExports("export 1PASSWORD=hunter2\n"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerEnvironment.parseExports("export A='open\n"));
    }

    @Test
    void noSourceHostMeansNoExternalServers()
    {
        assertEquals(Optional.empty(), ServerEnvironment.addresses(Map.of("FERRY_TARGET_HOST", "db")));
    }

    @Test
    void buildsBothAddresses()
    {
        List<ServerAddress> addresses = ServerEnvironment.addresses(ServerEnvironment.parseExports(SANDBOX_OUTPUT)).orElseThrow();
        assertEquals(2, addresses.size());
        ServerAddress source = addresses.get(0);
        ServerAddress target = addresses.get(1);
        assertEquals("source", source.role());
        assertEquals("127.0.0.1", source.host());
        assertEquals(41366, source.port());
        assertEquals("ferry", source.user());
        assertEquals("s3cretA", source.password());
        assertEquals("root", source.adminUser());
        assertEquals("r00tA", source.adminPassword());
        assertEquals(Optional.of(ServerFlavor.MARIADB), source.declaredFlavor());
        assertEquals("target", target.role());
        assertEquals(22736, target.port());
        assertFalse(source.toString().contains("s3cretA"), source.toString());
        assertFalse(source.toString().contains("r00tA"), source.toString());
    }

    @Test
    void portDefaultsTo3306AndFlavorIsOptional()
    {
        Map<String, String> variables = new HashMap<>(ServerEnvironment.parseExports(SANDBOX_OUTPUT));
        variables.remove("FERRY_SOURCE_PORT");
        variables.remove("FERRY_SERVER_FLAVOR");
        ServerAddress source = ServerEnvironment.addresses(variables).orElseThrow().get(0);
        assertEquals(3306, source.port());
        assertEquals(Optional.empty(), source.declaredFlavor());
    }

    @Test
    void reportsEveryProblemAtOnce()
    {
        Map<String, String> variables = new HashMap<>(ServerEnvironment.parseExports(SANDBOX_OUTPUT));
        variables.remove("FERRY_SOURCE_ADMIN_PASSWORD");
        variables.remove("FERRY_TARGET_HOST");
        variables.put("FERRY_TARGET_PORT", "x");
        variables.put("FERRY_SERVER_FLAVOR", "postgres");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerEnvironment.addresses(variables));
        assertTrue(e.getMessage().contains("FERRY_SOURCE_ADMIN_PASSWORD is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("FERRY_TARGET_HOST is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("FERRY_TARGET_PORT must be a number (got \"x\")"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown server flavor \"postgres\"; available: mariadb, mysql"), e.getMessage());
        assertFalse(e.getMessage().contains("r00tA"), e.getMessage());
    }

    @Test
    void flavorFromVersion()
    {
        assertEquals(ServerFlavor.MARIADB, ServerFlavor.fromVersion("10.11.18-MariaDB-0+deb12u1-log"));
        assertEquals(ServerFlavor.MYSQL, ServerFlavor.fromVersion("8.4.3"));
        assertEquals(ServerFlavor.MYSQL, ServerFlavor.parse(" MySQL "));
    }
}
