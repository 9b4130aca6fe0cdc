package com.example.ferry.plugin;

import dev.ferry.api.PluginConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A flat, map-backed {@link PluginConfig} recording problems as {@code path.key: message}; enough
 * for plugins that read strings. ferry's runtime supplies the real one.
 */
final class TestingPluginConfig
        implements PluginConfig
{
    private final String path;
    private final Map<String, Object> values;
    private final List<String> problems = new ArrayList<>();

    TestingPluginConfig(String path, Map<String, Object> values)
    {
        this.path = requireNonNull(path, "path is null");
        this.values = Map.copyOf(requireNonNull(values, "values is null"));
    }

    List<String> problems()
    {
        return List.copyOf(problems);
    }

    @Override
    public String path()
    {
        return path;
    }

    @Override
    public boolean has(String key)
    {
        return values.containsKey(key);
    }

    @Override
    public Set<String> keys()
    {
        return new LinkedHashSet<>(values.keySet());
    }

    @Override
    public String string(String key, String defaultValue)
    {
        Object value = values.get(key);
        return value == null ? defaultValue : value.toString();
    }

    @Override
    public String requiredString(String key)
    {
        String value = string(key, "");
        if (value.isBlank()) {
            problem(key, "is required");
            return "";
        }
        return value;
    }

    @Override
    public Optional<String> secret(String key)
    {
        return Optional.ofNullable(string(key, null));
    }

    @Override
    public int integer(String key, int defaultValue, int min, int max)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public long longValue(String key, long defaultValue, long min, long max)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean bool(String key, boolean defaultValue)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public Duration duration(String key, Duration defaultValue)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public String oneOf(String key, String defaultValue, List<String> allowed)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> stringList(String key)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, String> stringMap(String key)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public PluginConfig section(String key)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, PluginConfig> sections(String key)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<PluginConfig> sectionList(String key)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public void problem(String key, String message)
    {
        problems.add((key == null ? path : path + "." + key) + ": " + message);
    }
}
