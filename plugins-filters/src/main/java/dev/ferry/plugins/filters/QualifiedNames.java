package dev.ferry.plugins.filters;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.model.TableName;

/**
 * Reads {@code database.table} names from a config section.
 */
final class QualifiedNames
{
    private QualifiedNames() {}

    /**
     * The table named by {@code text}, or null after recording a problem under {@code key}.
     */
    static TableName table(PluginConfig config, String key, String text)
    {
        try {
            return TableName.parse(text);
        }
        catch (IllegalArgumentException e) {
            config.problem(key, "expected a table name written database.table (got \"" + text + "\")");
            return null;
        }
    }
}
