package dev.ferry.testing;

import java.sql.SQLException;

/**
 * A failed statement of the test harness; the message names the server and the statement.
 */
public final class UncheckedSqlException
        extends RuntimeException
{
    public UncheckedSqlException(String message, SQLException cause)
    {
        super(message, cause);
    }

    @Override
    public synchronized SQLException getCause()
    {
        return (SQLException) super.getCause();
    }
}
