package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * An enum constant a config file names by a word of its own ({@code source-db},
 * {@code load-data}).
 */
interface ConfigValue
{
    String configName();

    /**
     * The constant {@code key} names, or {@code defaultValue} when the key is absent; a word that
     * names none is reported as a problem listing the allowed words.
     */
    static <E extends Enum<E> & ConfigValue> E oneOf(PluginConfig config, String key, E defaultValue)
    {
        E[] values = defaultValue.getDeclaringClass().getEnumConstants();
        List<String> names = new ArrayList<>(values.length);
        for (E value : values) {
            names.add(value.configName());
        }
        String name = config.oneOf(key, defaultValue.configName(), names);
        for (E value : values) {
            if (value.configName().equals(name)) {
                return value;
            }
        }
        return defaultValue;
    }
}
