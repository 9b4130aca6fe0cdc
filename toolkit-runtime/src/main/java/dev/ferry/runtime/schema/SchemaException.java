package dev.ferry.runtime.schema;

import dev.ferry.api.FerryException;

/**
 * A table ferry cannot handle as configured; the message names the table and what to change.
 */
public final class SchemaException
        extends FerryException
{
    public SchemaException(String message)
    {
        super(message);
    }

    public SchemaException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
