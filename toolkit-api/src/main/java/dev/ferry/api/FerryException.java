package dev.ferry.api;

/**
 * A failure with a message written for the operator: what failed, on which table or key, and what
 * to do about it. Never carries a password.
 */
public class FerryException
        extends RuntimeException
{
    public FerryException(String message)
    {
        super(message);
    }

    public FerryException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
