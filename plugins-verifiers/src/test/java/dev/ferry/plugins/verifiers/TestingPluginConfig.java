package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A config section backed by nested maps, lists and scalars, recording problems and read keys the
 * way the runtime's config does.
 */
final class TestingPluginConfig
        implements PluginConfig
{
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final String path;
    private final Map<String, Object> values;
    private final List<String> problems;
    private final Set<String> read = new HashSet<>();
    private final List<TestingPluginConfig> children = new ArrayList<>();

    private TestingPluginConfig(String path, Map<String, Object> values, List<String> problems)
    {
        this.path = path;
        this.values = values;
        this.problems = problems;
    }

    static TestingPluginConfig of(Map<String, ?> values)
    {
        return new TestingPluginConfig("verifier", new LinkedHashMap<>(values), new ArrayList<>());
    }

    /**
     * Every problem recorded, as {@code path.key: message}.
     */
    List<String> problems()
    {
        return Collections.unmodifiableList(problems);
    }

    /**
     * Keys present but never read, here and in nested sections.
     */
    List<String> unreadKeys()
    {
        List<String> result = new ArrayList<>();
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                result.add(path + "." + key);
            }
        }
        for (TestingPluginConfig child : children) {
            result.addAll(child.unreadKeys());
        }
        return result;
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
        Object value = get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof String text)) {
            problem(key, "must be a string (got " + value + ")");
            return defaultValue;
        }
        return text;
    }

    @Override
    public String requiredString(String key)
    {
        String value = string(key, null);
        if (value == null || value.isEmpty()) {
            problem(key, "is required");
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
        return (int) longValue(key, defaultValue, min, max);
    }

    @Override
    public long longValue(String key, long defaultValue, long min, long max)
    {
        Object value = get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Number number)) {
            problem(key, "must be a number (got " + value + ")");
            return defaultValue;
        }
        long result = number.longValue();
        if (result < min || result > max) {
            problem(key, "must be between " + min + " and " + max + " (got " + result + ")");
            return defaultValue;
        }
        return result;
    }

    @Override
    public boolean bool(String key, boolean defaultValue)
    {
        Object value = get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean bool)) {
            problem(key, "must be true or false (got " + value + ")");
            return defaultValue;
        }
        return bool;
    }

    @Override
    public Duration duration(String key, Duration defaultValue)
    {
        Object value = get(key);
        if (value == null) {
            return defaultValue;
        }
        Matcher matcher = DURATION.matcher(String.valueOf(value));
        if (!matcher.matches()) {
            problem(key, "must be a duration such as 500ms, 30s, 5m or 2h (got " + value + ")");
            return defaultValue;
        }
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            default:
                return Duration.ofHours(amount);
        }
    }

    @Override
    public String oneOf(String key, String defaultValue, List<String> allowed)
    {
        String value = string(key, defaultValue);
        if (value != null && !allowed.contains(value)) {
            problem(key, "must be one of " + String.join(", ", allowed) + " (got " + value + ")");
            return defaultValue;
        }
        return value;
    }

    @Override
    public List<String> stringList(String key)
    {
        Object value = get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            return List.of(text);
        }
        if (!(value instanceof List<?> list)) {
            problem(key, "must be a list of strings (got " + value + ")");
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            result.add(String.valueOf(item));
        }
        return result;
    }

    @Override
    public Map<String, String> stringMap(String key)
    {
        Object value = get(key);
        Map<String, String> result = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), String.valueOf(v)));
        }
        else if (value != null) {
            problem(key, "must be a map (got " + value + ")");
        }
        return result;
    }

    @Override
    @SuppressWarnings("unchecked")
    public PluginConfig section(String key)
    {
        Object value = get(key);
        Map<String, Object> map = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> given) {
            map.putAll((Map<String, Object>) given);
        }
        else if (value != null) {
            problem(key, "must be a section (got " + value + ")");
        }
        TestingPluginConfig child = new TestingPluginConfig(path + "." + key, map, problems);
        children.add(child);
        return child;
    }

    @Override
    public Map<String, PluginConfig> sections(String key)
    {
        PluginConfig section = section(key);
        Map<String, PluginConfig> result = new LinkedHashMap<>();
        for (String name : section.keys()) {
            result.put(name, section.section(name));
        }
        return result;
    }

    @Override
    public List<PluginConfig> sectionList(String key)
    {
        throw new UnsupportedOperationException("not needed by the verifiers");
    }

    @Override
    public void problem(String key, String message)
    {
        problems.add((key == null ? path : path + "." + key) + ": " + message);
    }

    private Object get(String key)
    {
        read.add(key);
        return values.get(key);
    }
}
