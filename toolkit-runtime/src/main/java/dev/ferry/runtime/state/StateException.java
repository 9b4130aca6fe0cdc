package dev.ferry.runtime.state;

import dev.ferry.api.FerryException;

import java.util.List;

/**
 * A state document that cannot be used: empty, not JSON, from another format, or holding values
 * ferry never writes. The message names every problem and what to do about it.
 */
public final class StateException
        extends FerryException
{
    private final List<String> problems;

    public StateException(String message)
    {
        this(message, List.of(), null);
    }

    public StateException(String message, Throwable cause)
    {
        this(message, List.of(), cause);
    }

    public StateException(String message, List<String> problems, Throwable cause)
    {
        super(message, cause);
        this.problems = List.copyOf(problems);
    }

    /**
     * The individual problems ({@code json.path: what is wrong}) when the document was valid JSON
     * but held missing, ill-typed or impossible values; empty otherwise.
     */
    public List<String> problems()
    {
        return problems;
    }
}
