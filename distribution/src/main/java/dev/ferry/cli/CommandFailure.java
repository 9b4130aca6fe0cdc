package dev.ferry.cli;

import static java.util.Objects.requireNonNull;

/**
 * Ends a command with an exit code and a message for the operator (printed without a stack
 * trace).
 */
final class CommandFailure
        extends RuntimeException
{
    private final int exitCode;

    CommandFailure(int exitCode, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.exitCode = exitCode;
    }

    int exitCode()
    {
        return exitCode;
    }
}
