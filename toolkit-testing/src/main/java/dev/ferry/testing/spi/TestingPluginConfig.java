package dev.ferry.testing.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.PluginConfig;
import dev.ferry.config.ConfigProblem;
import dev.ferry.config.ConfigTree;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A plugin's config section built from Java values and bound by the runtime's own binding
 * ({@code dev.ferry.config.ConfigTree}): the same accessor rules, the same problem wording
 * ({@code path.key: message}) and the same unknown-key report as a config file. Values are what
 * a YAML or JSON parser yields: {@link String}, {@link Boolean}, numbers, {@link List} for lists,
 * {@link Map} with string keys for sections, and {@code null}. Pass a {@link LinkedHashMap} (or
 * {@link #builder}) where key order matters: unknown keys are reported in map order, as in file
 * order.
 *
 * <p>Not thread-safe, like the runtime's binding.
 */
public final class TestingPluginConfig
        implements PluginConfig
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ConfigTree tree;
    private final List<ConfigProblem> problems;

    private TestingPluginConfig(ConfigTree tree, List<ConfigProblem> problems)
    {
        this.tree = tree;
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
        JsonNode node = MAPPER.valueToTree(values);
        List<ConfigProblem> problems = new ArrayList<>();
        return new TestingPluginConfig(ConfigTree.section(path, (ObjectNode) node, problems), problems);
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
        tree.reportUnknownKeys();
        List<String> texts = new ArrayList<>(problems.size());
        for (ConfigProblem problem : problems) {
            texts.add(problem.toString());
        }
        return texts;
    }

    /**
     * Full paths of the keys nothing read so far, here and in nested sections; reports nothing.
     */
    public List<String> unreadKeys()
    {
        return tree.unreadKeys();
    }

    @Override
    public String path()
    {
        return tree.path();
    }

    @Override
    public boolean has(String key)
    {
        return tree.has(key);
    }

    @Override
    public Set<String> keys()
    {
        return tree.keys();
    }

    @Override
    public String string(String key, String defaultValue)
    {
        return tree.string(key, defaultValue);
    }

    @Override
    public String requiredString(String key)
    {
        return tree.requiredString(key);
    }

    @Override
    public Optional<String> secret(String key)
    {
        return tree.secret(key);
    }

    @Override
    public int integer(String key, int defaultValue, int min, int max)
    {
        return tree.integer(key, defaultValue, min, max);
    }

    @Override
    public long longValue(String key, long defaultValue, long min, long max)
    {
        return tree.longValue(key, defaultValue, min, max);
    }

    @Override
    public boolean bool(String key, boolean defaultValue)
    {
        return tree.bool(key, defaultValue);
    }

    @Override
    public Duration duration(String key, Duration defaultValue)
    {
        return tree.duration(key, defaultValue);
    }

    @Override
    public String oneOf(String key, String defaultValue, List<String> allowed)
    {
        return tree.oneOf(key, defaultValue, allowed);
    }

    @Override
    public List<String> stringList(String key)
    {
        return tree.stringList(key);
    }

    @Override
    public Map<String, String> stringMap(String key)
    {
        return tree.stringMap(key);
    }

    @Override
    public TestingPluginConfig section(String key)
    {
        return new TestingPluginConfig(tree.section(key), problems);
    }

    @Override
    public Map<String, PluginConfig> sections(String key)
    {
        return tree.sections(key);
    }

    @Override
    public List<PluginConfig> sectionList(String key)
    {
        return tree.sectionList(key);
    }

    @Override
    public void problem(String key, String message)
    {
        tree.problem(key, message);
    }

    @Override
    public String toString()
    {
        return tree.path().isEmpty() ? "(root)" : tree.path();
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
