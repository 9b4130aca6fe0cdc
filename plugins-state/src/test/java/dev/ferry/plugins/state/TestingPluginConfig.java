package dev.ferry.plugins.state;

import dev.ferry.api.PluginConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A flat, map-backed {@link PluginConfig} that records problems as {@code path.key: message} and
 * which keys were read, with the runtime's wording for the accessors the state stores use.
 */
final class TestingPluginConfig
        implements PluginConfig
{
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> read = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    TestingPluginConfig(Map<String, Object> values)
    {
        this.path = "state";
        this.values = new LinkedHashMap<>(requireNonNull(values, "values is null"));
    }

    List<String> problems()
    {
        return List.copyOf(problems);
    }

    /**
     * Keys present but never read, which the runtime would report as unknown.
     */
    Set<String> unread()
    {
        Set<String> unread = new LinkedHashSet<>(values.keySet());
        unread.removeAll(read);
        return unread;
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
        read.add(key);
        Object value = values.get(key);
        return value == null ? defaultValue : value.toString();
    }

    @Override
    public String requiredString(String key)
    {
        String value = string(key, null);
        if (value == null || value.isBlank()) {
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
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean)) {
            problem(key, "must be true or false (got \"" + value + "\")");
            return defaultValue;
        }
        return (Boolean) value;
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
