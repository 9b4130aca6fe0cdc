package dev.ferry.testing;

import static java.util.Objects.requireNonNull;

/**
 * The source and target servers of a test run, and where they came from.
 */
public final class ServerPair
{
    private final MySqlServer source;
    private final MySqlServer target;
    private final String origin;

    public ServerPair(MySqlServer source, MySqlServer target, String origin)
    {
        this.source = requireNonNull(source, "source is null");
        this.target = requireNonNull(target, "target is null");
        this.origin = requireNonNull(origin, "origin is null");
    }

    public MySqlServer source()
    {
        return source;
    }

    public MySqlServer target()
    {
        return target;
    }

    /**
     * Where the servers came from (environment, Testcontainers or the sandbox) and what they are.
     */
    public String describe()
    {
        return origin + ": " + source + "; " + target;
    }

    @Override
    public String toString()
    {
        return describe();
    }
}
