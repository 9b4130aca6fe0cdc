package dev.ferry.runtime.copy;

import dev.ferry.api.FerryException;

/**
 * A table could not be copied; the message names the table, the key and the SQL error.
 */
public final class CopyException
        extends FerryException
{
    public CopyException(String message, Throwable cause)
    {
        super(message, cause);
    }

    public CopyException(String message)
    {
        super(message);
    }
}
