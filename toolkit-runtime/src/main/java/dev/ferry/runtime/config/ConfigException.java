package dev.ferry.runtime.config;

import dev.ferry.api.FerryException;

import dev.ferry.config.ConfigProblem;
import java.util.List;

/**
 * A config that cannot be used, with every problem found.
 */
public final class ConfigException
        extends FerryException
{
    private final List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems)
    {
        super(format(source, problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems()
    {
        return problems;
    }

    private static String format(String source, List<ConfigProblem> problems)
    {
        StringBuilder message = new StringBuilder();
        message.append(source).append(" has ").append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
        for (ConfigProblem problem : problems) {
            message.append("\n  - ").append(problem);
        }
        return message.toString();
    }
}
