package dev.ferry.testing.spi;

import dev.ferry.api.PluginConfig;

import java.math.BigDecimal;
import java.math.BigInteger;
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

import static java.util.Objects.requireNonNull;

/**
 * A plugin's config section built from Java values, bound exactly as ferry's runtime binds a
 * config file: the same accessor rules, the same problem wording ({@code path.key: message}) and
 * the same unknown-key report. Values are what a YAML or JSON parser yields: {@link String},
 * {@link Boolean}, integral numbers ({@code Integer}, {@code Long}, {@code BigInteger}),
 * decimals ({@code Double}, {@code BigDecimal}), {@link List} for lists, {@link Map} with string
 * keys for sections, and {@code null}. Pass a {@link LinkedHashMap} (or {@link #builder}) where
 * key order matters: unknown keys are reported in map order, as in file order.
 *
 * <p>{@code dev.ferry.runtime.config.TestingPluginConfigParityTest} checks this class against
 * the runtime's binding. Not thread-safe, like the runtime's.
 */
public final class TestingPluginConfig
        implements PluginConfig
{
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final int MAX_ECHO = 80;
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final Map<String, Object> values;
    private final String path;
    private final List<String> problems;
    private final Set<String> read = new HashSet<>();
    private final List<TestingPluginConfig> children = new ArrayList<>();
    private boolean unknownKeysReported;

    private TestingPluginConfig(Map<String, Object> values, String path, List<String> problems)
    {
        this.values = values;
        this.path = path;
        this.problems = problems;
    }

    /**
     * The section at {@code path} (e.g. {@code verifier}, {@code throttlers.copy[0]}) holding
     * {@code values}.
     */
    public static TestingPluginConfig of(String path, Map<String, ?> values)
    {
        requireNonNull(path, "path is null");
        requireNonNull(values, "values is null");
        return new TestingPluginConfig(section(values, path), path, new ArrayList<>());
    }

    /**
     * An empty section at {@code path}.
     */
    public static TestingPluginConfig empty(String path)
    {
        return of(path, Map.of());
    }

    /**
     * Keys in the order they are added, as in a file.
     */
    public static Builder builder(String path)
    {
        return new Builder(path);
    }

    /**
     * Every problem, as the runtime reports them after the plugin was created: the accessors'
     * problems, then every key of this section and its nested sections that nothing read
     * ({@code path.key: unknown key; known keys here: ...}). Reports unknown keys once.
     */
    public List<String> problems()
    {
        reportUnknownKeys();
        return List.copyOf(problems);
    }

    /**
     * Full paths of the keys nothing read so far, here and in nested sections; reports nothing.
     */
    public List<String> unreadKeys()
    {
        List<String> result = new ArrayList<>();
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                result.add(childPath(key));
            }
        }
        for (TestingPluginConfig child : children) {
            result.addAll(child.unreadKeys());
        }
        return result;
    }

    private void reportUnknownKeys()
    {
        if (unknownKeysReported) {
            return;
        }
        unknownKeysReported = true;
        List<String> unknown = new ArrayList<>();
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> known = new ArrayList<>(read);
            Collections.sort(known);
            for (String key : unknown) {
                add(childPath(key), "unknown key" + (known.isEmpty() ? "" : "; known keys here: " + String.join(", ", known)));
            }
        }
        for (TestingPluginConfig child : children) {
            child.reportUnknownKeys();
        }
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
        Object value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
            problem(key, "must be a string" + got(value));
            return defaultValue;
        }
        return text(value);
    }

    @Override
    public String requiredString(String key)
    {
        String value = string(key, null);
        if (value == null || value.isBlank()) {
            Object present = values.get(key);
            if (value == null && present != null && (present instanceof Map || present instanceof List)) {
                return "";
            }
            problem(key, "is required");
            return "";
        }
        return value;
    }

    @Override
    public Optional<String> secret(String key)
    {
        Object value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            problem(key, "must be a string");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    @Override
    public int integer(String key, int defaultValue, int min, int max)
    {
        return (int) longValue(key, defaultValue, min, max);
    }

    @Override
    public long longValue(String key, long defaultValue, long min, long max)
    {
        Object value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!isIntegral(value) || !fitsLong(value)) {
            problem(key, "must be a whole number between " + min + " and " + max + got(value));
            return defaultValue;
        }
        long result = ((Number) value).longValue();
        if (result < min || result > max) {
            problem(key, "must be between " + min + " and " + max + got(value));
            return defaultValue;
        }
        return result;
    }

    @Override
    public boolean bool(String key, boolean defaultValue)
    {
        Object value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean bool)) {
            problem(key, "must be true or false" + got(value));
            return defaultValue;
        }
        return bool;
    }

    @Override
    public Duration duration(String key, Duration defaultValue)
    {
        Object value = value(key);
        if (value == null) {
            return defaultValue;
        }
        Optional<Duration> parsed = value instanceof String text ? parseDuration(text) : Optional.empty();
        if (parsed.isEmpty()) {
            problem(key, "must be a duration such as 500ms, 30s, 5m, 2h or 1d" + got(value));
            return defaultValue;
        }
        return parsed.get();
    }

    @Override
    public String oneOf(String key, String defaultValue, List<String> allowed)
    {
        String value = string(key, defaultValue);
        if (value != null && !allowed.contains(value)) {
            problem(key, "must be one of " + String.join(", ", allowed) + (values.containsKey(key) ? got(values.get(key)) : ""));
            return defaultValue;
        }
        return value;
    }

    @Override
    public List<String> stringList(String key)
    {
        Object value = value(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            return List.of(text);
        }
        if (!(value instanceof List<?> list)) {
            problem(key, "must be a list of strings" + got(value));
            return List.of();
        }
        List<String> result = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            if (!(element instanceof String) && !(element instanceof Number)) {
                add(childPath(key) + "[" + i + "]", "must be a string" + got(element));
            }
            else {
                result.add(text(element));
            }
        }
        return List.copyOf(result);
    }

    @Override
    public Map<String, String> stringMap(String key)
    {
        Object value = value(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            problem(key, "must be a map of names to names" + got(value));
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                add(childPath(key) + "." + entry.getKey(), "must be a string" + got(entry.getValue()));
            }
            else {
                result.put((String) entry.getKey(), text);
            }
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public TestingPluginConfig section(String key)
    {
        Object value = value(key);
        String childPath = childPath(key);
        if (value != null && !(value instanceof Map)) {
            problem(key, "must be a section (an object)" + got(value));
            value = null;
        }
        TestingPluginConfig child = new TestingPluginConfig(value == null ? new LinkedHashMap<>() : section((Map<?, ?>) value, childPath), childPath, problems);
        children.add(child);
        return child;
    }

    @Override
    public Map<String, PluginConfig> sections(String key)
    {
        Object value = value(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            problem(key, "must be a map of names to sections" + got(value));
            return Map.of();
        }
        Map<String, PluginConfig> result = new LinkedHashMap<>();
        TestingPluginConfig holder = new TestingPluginConfig(section(map, childPath(key)), childPath(key), problems);
        for (String name : holder.values.keySet()) {
            result.put(name, holder.section(name));
        }
        children.add(holder);
        return Collections.unmodifiableMap(result);
    }

    @Override
    public List<PluginConfig> sectionList(String key)
    {
        Object value = value(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map) {
            value = List.of(value);
        }
        if (!(value instanceof List<?> list)) {
            problem(key, "must be a list of sections" + got(value));
            return List.of();
        }
        List<PluginConfig> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            String elementPath = childPath(key) + "[" + i + "]";
            if (!(element instanceof Map<?, ?> map)) {
                add(elementPath, "must be a section (an object)" + got(element));
                continue;
            }
            TestingPluginConfig child = new TestingPluginConfig(section(map, elementPath), elementPath, problems);
            children.add(child);
            result.add(child);
        }
        return List.copyOf(result);
    }

    @Override
    public void problem(String key, String message)
    {
        add(key == null ? path : childPath(key), message);
    }

    @Override
    public String toString()
    {
        return path.isEmpty() ? "(root)" : path;
    }

    private void add(String problemPath, String message)
    {
        problems.add(problemPath.isEmpty() ? message : problemPath + ": " + message);
    }

    private Object value(String key)
    {
        read.add(key);
        return values.get(key);
    }

    private String childPath(String key)
    {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Map<String, Object> section(Map<?, ?> given, String path)
    {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : given.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException("keys of section " + (path.isEmpty() ? "(root)" : path) + " must be strings (got " + entry.getKey() + ")");
            }
            copy.put(key, entry.getValue());
        }
        return copy;
    }

    private static Optional<Duration> parseDuration(String text)
    {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount;
        try {
            amount = Long.parseLong(matcher.group(1));
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
        switch (matcher.group(2)) {
            case "ms":
                return Optional.of(Duration.ofMillis(amount));
            case "s":
                return Optional.of(Duration.ofSeconds(amount));
            case "m":
                return Optional.of(Duration.ofMinutes(amount));
            case "h":
                return Optional.of(Duration.ofHours(amount));
            default:
                return Optional.of(Duration.ofDays(amount));
        }
    }

    private static boolean isIntegral(Object value)
    {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte || value instanceof BigInteger;
    }

    private static boolean fitsLong(Object value)
    {
        return !(value instanceof BigInteger big) || (big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0);
    }

    /**
     * A scalar as the runtime's {@code asText}: the text itself, a number or boolean as written.
     */
    private static String text(Object value)
    {
        if (value instanceof BigDecimal decimal) {
            return decimal.toString();
        }
        return String.valueOf(value);
    }

    private static String got(Object value)
    {
        String text = value instanceof String string ? "\"" + string + "\"" : json(value);
        if (text.length() > MAX_ECHO) {
            text = text.substring(0, MAX_ECHO) + "...";
        }
        return " (got " + text + ")";
    }

    /**
     * Compact JSON, as the runtime echoes a non-text value.
     */
    private static String json(Object value)
    {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            StringBuilder quoted = new StringBuilder("\"");
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> quoted.append("\\\"");
                    case '\\' -> quoted.append("\\\\");
                    case '\n' -> quoted.append("\\n");
                    case '\r' -> quoted.append("\\r");
                    case '\t' -> quoted.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            quoted.append(String.format("\\u%04X", (int) c));
                        }
                        else {
                            quoted.append(c);
                        }
                    }
                }
            }
            return quoted.append('"').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder result = new StringBuilder("{");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (result.length() > 1) {
                    result.append(',');
                }
                result.append(json(String.valueOf(entry.getKey()))).append(':').append(json(entry.getValue()));
            }
            return result.append('}').toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder result = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    result.append(',');
                }
                result.append(json(list.get(i)));
            }
            return result.append(']').toString();
        }
        return text(value);
    }

    /**
     * Builds a section key by key, in file order.
     */
    public static final class Builder
    {
        private final String path;
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder(String path)
        {
            this.path = requireNonNull(path, "path is null");
        }

        /**
         * A key and its value; {@code null} is an explicit null, as {@code key: ~} in YAML.
         */
        public Builder set(String key, Object value)
        {
            values.put(requireNonNull(key, "key is null"), value);
            return this;
        }

        public TestingPluginConfig build()
        {
            return of(path, values);
        }
    }
}
