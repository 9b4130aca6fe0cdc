package dev.ferry.api;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlFailuresTest
{
    @Test
    void serverErrorsAreClassifiedByCode()
    {
        assertEquals(SqlFailures.Kind.DEADLOCK, SqlFailures.classify(new SQLException("Deadlock found", "40001", 1213)));
        assertEquals(SqlFailures.Kind.LOCK_WAIT_TIMEOUT, SqlFailures.classify(new SQLException("Lock wait timeout", "HY000", 1205)));
        assertEquals(SqlFailures.Kind.TOO_MANY_CONNECTIONS, SqlFailures.classify(new SQLException("Too many connections", "08004", 1040)));
        assertEquals(SqlFailures.Kind.SERVER_GOING_AWAY, SqlFailures.classify(new SQLException("Server shutdown in progress", "08S01", 1053)));
        assertEquals(SqlFailures.Kind.INTERRUPTED, SqlFailures.classify(new SQLException("Connection was killed", "70100", 1927)));
        assertEquals(SqlFailures.Kind.READ_ONLY, SqlFailures.classify(new SQLException("The MariaDB server is running with the --read-only option "
                + "so it cannot execute this statement", "HY000", 1290)));
        assertEquals(SqlFailures.Kind.READ_ONLY, SqlFailures.classify(new SQLException("read only", "HY000", 1836)));
    }

    @Test
    void connectionLossIsFoundInStatesTypesAndCauses()
    {
        assertEquals(SqlFailures.Kind.CONNECTION_LOST, SqlFailures.classify(new SQLException("Connection is closed", "08003")));
        assertEquals(SqlFailures.Kind.CONNECTION_LOST, SqlFailures.classify(new SQLTransientConnectionException("pool timed out")));
        SQLException wrapped = new SQLException("copy failed", null, 0, new SQLException("Lost connection", "HY000", 2013));
        assertEquals(SqlFailures.Kind.CONNECTION_LOST, SqlFailures.classify(wrapped));
        assertTrue(SqlFailures.isRetryable(wrapped));
    }

    @Test
    void everythingElseIsPermanent()
    {
        assertEquals(SqlFailures.Kind.PERMANENT, SqlFailures.classify(new SQLException("Access denied", "28000", 1045)));
        assertEquals(SqlFailures.Kind.PERMANENT, SqlFailures.classify(new SQLException("Duplicate entry", "23000", 1062)));
        // 1290 for another option than read-only
        assertFalse(SqlFailures.isRetryable(new SQLException("The MariaDB server is running with the --secure-file-priv option", "HY000", 1290)));
    }

    @Test
    void messagesCarryTheCodeAndTheState()
    {
        assertEquals("[1213/40001] Deadlock found", SqlFailures.describe(new SQLException("Deadlock found", "40001", 1213)));
        assertEquals("raised by ferry", SqlFailures.describe(new SQLException("raised by ferry")));
    }

    @Test
    void retryDelaysDoubleWithinAQuarterEitherWayUpToThirtySeconds()
    {
        for (int i = 0; i < 200; i++) {
            long first = SqlFailures.retryDelay(Duration.ofMillis(400), 0).toMillis();
            long third = SqlFailures.retryDelay(Duration.ofMillis(400), 2).toMillis();
            long late = SqlFailures.retryDelay(Duration.ofMillis(400), 40).toMillis();
            assertTrue(first >= 300 && first <= 500, "first " + first);
            assertTrue(third >= 1200 && third <= 2000, "third " + third);
            assertTrue(late >= 22_500 && late <= 37_500, "late " + late);
        }
    }
}
