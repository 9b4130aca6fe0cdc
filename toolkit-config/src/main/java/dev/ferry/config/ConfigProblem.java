package dev.ferry.config;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a config: the key's full path and what is wrong, e.g.
 * {@code copy.batchSize: must be between 1 and 100000 (got 0)}.
 */
public record ConfigProblem(String path, String message)
{
    public ConfigProblem
    {
        requireNonNull(path, "path is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString()
    {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
