package dev.ferry.testing;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TestTestcontainersServers
{
    @Test
    void dockerHostMakesTheRouteAvailableWhenTestcontainersIsOnTheClassPath()
    {
        assertEquals(Optional.empty(), TestcontainersServers.unavailableReason(Map.of("DOCKER_HOST", "tcp://127.0.0.1:1")));
    }

    @Test
    void reflectionReachesTestcontainersStart()
    {
        // without a Docker engine, everything up to start() runs and start() itself fails
        assumeTrue(TestcontainersServers.unavailableReason(System.getenv()).isPresent(), "a Docker engine is around");
        IllegalStateException e = assertThrows(IllegalStateException.class, TestcontainersServers::start);
        assertTrue(e.getMessage().startsWith("source: cannot start a mysql:8.4 container: "), e.getMessage());
        assertTrue(e.getCause().getClass().getName().startsWith("java.lang.IllegalStateException"), String.valueOf(e.getCause()));
    }
}
