package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.PluginConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A config section backed by a Jackson tree. Accessors record problems instead of throwing and
 * remember which keys were read, so that unknown keys can be reported after binding.
 */
public final class ConfigTree
        implements PluginConfig
{
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    // any duration ferry waits or sleeps for; far longer ones overflow nanosecond arithmetic
    private static final Duration LONGEST = Duration.ofDays(3650);
    private static final int MAX_ECHO = 80;

    private final ObjectNode node;
    private final String path;
    private final List<ConfigProblem> problems;
    private final Set<String> read = new HashSet<>();
    private final List<ConfigTree> children = new ArrayList<>();
    private boolean unknownKeysReported;

    private ConfigTree(ObjectNode node, String path, List<ConfigProblem> problems)
    {
        this.node = requireNonNull(node, "node is null");
        this.path = requireNonNull(path, "path is null");
        this.problems = requireNonNull(problems, "problems is null");
    }

    /**
     * The root of a config document; {@code root} must be an object.
     */
    public static ConfigTree root(JsonNode root, List<ConfigProblem> problems)
    {
        if (root == null || root.isNull() || root.isMissingNode()) {
            problems.add(new ConfigProblem("", "the config is empty"));
            return new ConfigTree(JsonNodeFactory.instance.objectNode(), "", problems);
        }
        if (!root.isObject()) {
            problems.add(new ConfigProblem("", "the config must be an object with keys such as source, target, tableFilter (got " + root.getNodeType().name().toLowerCase(Locale.ROOT) + ")"));
            return new ConfigTree(JsonNodeFactory.instance.objectNode(), "", problems);
        }
        return new ConfigTree((ObjectNode) root, "", problems);
    }

    /**
     * A section at {@code path} (e.g. {@code verifier}, {@code throttlers.copy[0]}), as a plugin's
     * factory receives it; {@code section} must be an object.
     */
    public static ConfigTree section(String path, ObjectNode section, List<ConfigProblem> problems)
    {
        return new ConfigTree(section, path, problems);
    }

    @Override
    public String path()
    {
        return path;
    }

    public List<ConfigProblem> problems()
    {
        return problems;
    }

    /**
     * The raw JSON of a key, marking it read; for plugins that take free-form values (payloads).
     */
    public Optional<JsonNode> raw(String key)
    {
        read.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    /**
     * Reports every key of this section and its nested sections that no accessor read.
     */
    public void reportUnknownKeys()
    {
        if (unknownKeysReported) {
            return;
        }
        unknownKeysReported = true;
        List<String> unknown = new ArrayList<>();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!read.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> known = new ArrayList<>(read);
            Collections.sort(known);
            for (String name : unknown) {
                problems.add(new ConfigProblem(childPath(name), "unknown key" + (known.isEmpty() ? "" : "; known keys here: " + String.join(", ", known))));
            }
        }
        for (ConfigTree child : children) {
            child.reportUnknownKeys();
        }
    }

    /**
     * Full paths of the keys no accessor read so far, here and in nested sections; reports nothing.
     */
    public List<String> unreadKeys()
    {
        List<String> unread = new ArrayList<>();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!read.contains(name)) {
                unread.add(childPath(name));
            }
        }
        for (ConfigTree child : children) {
            unread.addAll(child.unreadKeys());
        }
        return unread;
    }

    @Override
    public boolean has(String key)
    {
        return node.has(key);
    }

    @Override
    public Set<String> keys()
    {
        Set<String> keys = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Override
    public String string(String key, String defaultValue)
    {
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
            problem(key, "must be a string" + got(value));
            return defaultValue;
        }
        return value.asText();
    }

    @Override
    public String requiredString(String key)
    {
        String value = string(key, null);
        if (value == null || value.isBlank()) {
            if (value == null && node.has(key) && !node.get(key).isNull() && !node.get(key).isValueNode()) {
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
        JsonNode value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            problem(key, "must be a string");
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    @Override
    public int integer(String key, int defaultValue, int min, int max)
    {
        return (int) longValue(key, defaultValue, min, max);
    }

    @Override
    public long longValue(String key, long defaultValue, long min, long max)
    {
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problem(key, "must be a whole number between " + min + " and " + max + got(value));
            return defaultValue;
        }
        long result = value.asLong();
        if (result < min || result > max) {
            problem(key, "must be between " + min + " and " + max + got(value));
            return defaultValue;
        }
        return result;
    }

    @Override
    public boolean bool(String key, boolean defaultValue)
    {
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            problem(key, "must be true or false" + got(value));
            return defaultValue;
        }
        return value.asBoolean();
    }

    @Override
    public Duration duration(String key, Duration defaultValue)
    {
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        Optional<Duration> parsed = value.isTextual() ? parseDuration(value.asText()) : Optional.empty();
        if (parsed.isEmpty()) {
            problem(key, "must be a duration such as 500ms, 30s, 5m, 2h or 1d" + got(value));
            return defaultValue;
        }
        if (parsed.get().compareTo(LONGEST) > 0) {
            problem(key, "must be at most " + LONGEST.toDays() + "d" + got(value));
            return defaultValue;
        }
        return parsed.get();
    }

    /**
     * A duration between {@code min} and {@code max}, both included; a problem names the bounds.
     */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max)
    {
        Duration value = duration(key, defaultValue);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problem(key, "must be between " + text(min) + " and " + text(max) + got(node.get(key)));
            return defaultValue;
        }
        return value;
    }

    private static String text(Duration duration)
    {
        if (duration.toMillis() % 1000 != 0 || duration.isZero()) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    public static Optional<Duration> parseDuration(String text)
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

    @Override
    public String oneOf(String key, String defaultValue, List<String> allowed)
    {
        String value = string(key, defaultValue);
        if (value != null && !allowed.contains(value)) {
            problem(key, "must be one of " + String.join(", ", allowed) + got(node.get(key)));
            return defaultValue;
        }
        return value;
    }

    @Override
    public List<String> stringList(String key)
    {
        JsonNode value = value(key);
        if (value == null) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            problem(key, "must be a list of strings" + got(value));
            return List.of();
        }
        List<String> result = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (!element.isTextual() && !element.isNumber()) {
                problems.add(new ConfigProblem(childPath(key) + "[" + i + "]", "must be a string" + got(element)));
            }
            else {
                result.add(element.asText());
            }
        }
        return List.copyOf(result);
    }

    @Override
    public Map<String, String> stringMap(String key)
    {
        JsonNode value = value(key);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            problem(key, "must be a map of names to names" + got(value));
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        value.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual()) {
                problems.add(new ConfigProblem(childPath(key) + "." + entry.getKey(), "must be a string" + got(entry.getValue())));
            }
            else {
                result.put(entry.getKey(), entry.getValue().asText());
            }
        });
        return Collections.unmodifiableMap(result);
    }

    @Override
    public ConfigTree section(String key)
    {
        JsonNode value = value(key);
        String childPath = childPath(key);
        if (value != null && !value.isObject()) {
            problem(key, "must be a section (an object)" + got(value));
            value = null;
        }
        ConfigTree child = new ConfigTree(value == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) value, childPath, problems);
        children.add(child);
        return child;
    }

    @Override
    public Map<String, PluginConfig> sections(String key)
    {
        JsonNode value = value(key);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            problem(key, "must be a map of names to sections" + got(value));
            return Map.of();
        }
        Map<String, PluginConfig> result = new LinkedHashMap<>();
        ConfigTree holder = new ConfigTree((ObjectNode) value, childPath(key), problems);
        value.fieldNames().forEachRemaining(name -> result.put(name, holder.section(name)));
        children.add(holder);
        return Collections.unmodifiableMap(result);
    }

    @Override
    public List<PluginConfig> sectionList(String key)
    {
        JsonNode value = value(key);
        if (value == null) {
            return List.of();
        }
        if (value.isObject()) {
            value = JsonNodeFactory.instance.arrayNode().add(value);
        }
        if (!value.isArray()) {
            problem(key, "must be a list of sections" + got(value));
            return List.of();
        }
        List<PluginConfig> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String elementPath = childPath(key) + "[" + i + "]";
            if (!element.isObject()) {
                problems.add(new ConfigProblem(elementPath, "must be a section (an object)" + got(element)));
                continue;
            }
            ConfigTree child = new ConfigTree((ObjectNode) element, elementPath, problems);
            children.add(child);
            result.add(child);
        }
        return List.copyOf(result);
    }

    @Override
    public void problem(String key, String message)
    {
        problems.add(new ConfigProblem(key == null ? path : childPath(key), message));
    }

    private JsonNode value(String key)
    {
        read.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private String childPath(String key)
    {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String got(JsonNode value)
    {
        if (value == null) {
            return "";
        }
        String text = value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
        if (text.length() > MAX_ECHO) {
            text = text.substring(0, MAX_ECHO) + "...";
        }
        return " (got " + text + ")";
    }
}
