package dev.ferry.runtime.binlog;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinlogStreamerConfigTest
{
    @Test
    void defaults()
    {
        BinlogStreamerConfig config = BinlogStreamerConfig.defaults("db.example", 3306, "ferry", "secret");
        assertEquals(0, config.serverId());
        assertEquals(5, config.readRetries());
        assertEquals(Duration.ofSeconds(1), config.retryBackoff());
        assertEquals(Duration.ofSeconds(5), config.heartbeatInterval());
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertFalse(config.skipRowImageCheck());
    }

    @Test
    void explicitValues()
    {
        BinlogStreamerConfig config = new BinlogStreamerConfig("h", 1, "u", "", 4294967295L, 0, Duration.ofMillis(1), Duration.ZERO, Duration.ofMillis(1), true);
        assertEquals("h", config.host());
        assertEquals(1, config.port());
        assertEquals("u", config.user());
        assertEquals("", config.password());
        assertEquals(4294967295L, config.serverId());
        assertEquals(0, config.readRetries());
        assertEquals(Duration.ZERO, config.heartbeatInterval());
        assertTrue(config.skipRowImageCheck());
        BinlogStreamerConfig changed = config.withServerId(7).withRetries(3, Duration.ofSeconds(2)).withHeartbeatInterval(Duration.ofSeconds(3)).withSkipRowImageCheck(false);
        assertEquals(7, changed.serverId());
        assertEquals(3, changed.readRetries());
        assertEquals(Duration.ofSeconds(2), changed.retryBackoff());
        assertEquals(Duration.ofSeconds(3), changed.heartbeatInterval());
        assertFalse(changed.skipRowImageCheck());
    }

    @Test
    void everyProblemAtOnce()
    {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BinlogStreamerConfig(" ", 0, "", null, -1, -1, Duration.ZERO, Duration.ofSeconds(-1), null, false));
        String message = e.getMessage();
        assertTrue(message.contains("host must not be empty"), message);
        assertTrue(message.contains("port must be between 1 and 65535 (got 0)"), message);
        assertTrue(message.contains("user must not be empty"), message);
        assertTrue(message.contains("password must not be null"), message);
        assertTrue(message.contains("serverId must be between 0 and 4294967295 (got -1)"), message);
        assertTrue(message.contains("readRetries must be at least 0 (got -1)"), message);
        assertTrue(message.contains("retryBackoff must be positive (got PT0S)"), message);
        assertTrue(message.contains("heartbeatInterval must be between 0 and 4294967 seconds (got PT-1S)"), message);
        assertTrue(message.contains("connectTimeout must be positive (got null)"), message);
    }

    @Test
    void passwordNeverShown()
    {
        BinlogStreamerConfig config = BinlogStreamerConfig.defaults("h", 3306, "u", "hunter2");
        assertFalse(config.toString().contains("hunter2"), config.toString());
        assertTrue(config.toString().contains("password=***"));
    }
}
