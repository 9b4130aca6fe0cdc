package dev.ferry.plugins.filters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * Answers the filters' source lookups in memory: {@code answer} gets the SQL and all parameters
 * (in placeholder order) and returns the answer, or null for "no row".
 */
final class TestingQueries
        implements CachedLookup.QueryFactory
{
    private final BiFunction<String, List<Object>, Boolean> answer;
    private final List<String> prepared = new CopyOnWriteArrayList<>();
    private final List<List<Object>> asked = new CopyOnWriteArrayList<>();

    TestingQueries(BiFunction<String, List<Object>, Boolean> answer)
    {
        this.answer = answer;
    }

    /**
     * Fails every question: for filters that must not ask the source.
     */
    static TestingQueries none()
    {
        return new TestingQueries((sql, parameters) -> {
            throw new AssertionError("unexpected source query: " + sql);
        });
    }

    @Override
    public CachedLookup.Query create(String sql, List<Object> before, List<Object> after, boolean missing)
    {
        prepared.add(sql);
        return parameter -> {
            List<Object> parameters = new ArrayList<>(before);
            parameters.add(parameter);
            parameters.addAll(after);
            asked.add(parameters);
            Boolean result = answer.apply(sql, parameters);
            return result == null ? missing : result;
        };
    }

    List<String> prepared()
    {
        return prepared;
    }

    /**
     * The parameters of every question asked, in order.
     */
    List<List<Object>> asked()
    {
        return asked;
    }
}
