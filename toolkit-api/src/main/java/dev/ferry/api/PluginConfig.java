package dev.ferry.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One section of the config file, handed to a plugin so it can bind its keys to its own typed
 * record. Every accessor marks the key as read; after {@link PluginFactory#create} the runtime
 * reports every key that was not read as unknown.
 *
 * <p>Accessors never throw on bad input: a value of the wrong type or outside its bounds is
 * recorded as a problem (with the key's full path, the value and the rule) and the default is
 * returned, so that all problems of a config can be reported at once. Passwords and other
 * secrets read through {@link #secret} are never echoed in problems.
 *
 * <p>Not thread-safe; used only while the pipeline is assembled.
 */
public interface PluginConfig
{
    /**
     * The dotted path of this section in the config file, e.g. {@code verifier} or
     * {@code throttlers.copy[0]}.
     */
    String path();

    /**
     * Whether the key is present (with any value, including null). Does not mark it read.
     */
    boolean has(String key);

    /**
     * The keys present in this section, in file order. Does not mark them read.
     */
    Set<String> keys();

    /**
     * A string value, or the default when absent or null.
     */
    String string(String key, String defaultValue);

    /**
     * A string value that must be present and non-empty; records a problem when missing.
     */
    String requiredString(String key);

    /**
     * A secret (password, token). Like {@link #string} but the value never appears in problems,
     * logs or output.
     */
    Optional<String> secret(String key);

    /**
     * An integer within {@code [min, max]}.
     */
    int integer(String key, int defaultValue, int min, int max);

    /**
     * A long within {@code [min, max]}.
     */
    long longValue(String key, long defaultValue, long min, long max);

    /**
     * A boolean; only JSON/YAML booleans are accepted.
     */
    boolean bool(String key, boolean defaultValue);

    /**
     * A duration written as a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}.
     */
    Duration duration(String key, Duration defaultValue);

    /**
     * One of {@code allowed} (case-sensitive); records a problem listing them otherwise.
     */
    String oneOf(String key, String defaultValue, List<String> allowed);

    /**
     * A list of strings; a single string is accepted as a list of one.
     */
    List<String> stringList(String key);

    /**
     * A map of string to string, e.g. database rewrites, in file order.
     */
    Map<String, String> stringMap(String key);

    /**
     * A nested section; an empty section when absent.
     */
    PluginConfig section(String key);

    /**
     * A map of nested sections keyed by name, e.g. per-table settings, in file order.
     */
    Map<String, PluginConfig> sections(String key);

    /**
     * A list of nested sections.
     */
    List<PluginConfig> sectionList(String key);

    /**
     * Records a problem with a key of this section, for rules the accessors cannot express.
     *
     * @param key the key (relative to this section), or null for the section itself
     * @param message what is wrong and what to do, without the key path
     */
    void problem(String key, String message);
}
