package dev.ferry.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestMySqlServer
{
    @Test
    void versionChecksReadMajorAndMinorOfTheServerVersion()
    {
        MySqlServer mariaDb114 = server("11.4.5-MariaDB-log");
        assertTrue(mariaDb114.isAtLeast(11, 4));
        assertTrue(mariaDb114.isAtLeast(10, 11));
        assertFalse(mariaDb114.isAtLeast(11, 5));
        MySqlServer mariaDb1011 = server("10.11.19-MariaDB-0+deb12u1-log");
        assertTrue(mariaDb1011.isAtLeast(10, 11));
        assertFalse(mariaDb1011.isAtLeast(10, 12));
        assertFalse(mariaDb1011.isAtLeast(11, 4));
        assertArrayEquals(new int[] {8, 4}, MySqlServer.majorMinor("8.4.3"));
    }

    @Test
    void aVersionWithoutMajorAndMinorIsAnError()
    {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server("MariaDB").isAtLeast(10, 11));
        assertEquals("server version \"MariaDB\" does not start with major.minor", e.getMessage());
    }

    private static MySqlServer server(String version)
    {
        return new MySqlServer("source", "127.0.0.1", 3306, "ferry", "secret", "root", "secret", ServerFlavor.fromVersion(version), version);
    }
}
