package dev.ferry.plugins.filters;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.filter.TableFilterFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code tableFilter.type: names}. Keys:
 * <ul>
 * <li>{@code databases}: database names or globs to move (required, e.g. {@code [shop]} or {@code ["shop_*"]})</li>
 * <li>{@code excludeDatabases}: databases to skip</li>
 * <li>{@code tables}: {@code db.table} names or globs to move; all tables of the databases when absent</li>
 * <li>{@code excludeTables}: {@code db.table} names or globs to skip</li>
 * </ul>
 */
public final class NamesTableFilterFactory
        implements TableFilterFactory
{
    @Override
    public String name()
    {
        return "names";
    }

    @Override
    public String description()
    {
        return "include/exclude databases and tables by name or glob";
    }

    @Override
    public TableFilter create(PluginConfig config, PluginContext context)
    {
        List<String> databases = config.stringList("databases");
        if (databases.isEmpty() && !config.has("databases")) {
            config.problem("databases", "is required: list the databases to move, e.g. [\"shop\"] or [\"*\"]");
        }
        List<Glob> excludeTables = globs(config, "excludeTables", true);
        return new NamesTableFilter(
                globs(config, "databases", false),
                globs(config, "excludeDatabases", false),
                globs(config, "tables", true),
                excludeTables);
    }

    private static List<Glob> globs(PluginConfig config, String key, boolean qualified)
    {
        List<Glob> result = new ArrayList<>();
        for (String pattern : config.stringList(key)) {
            if (pattern.isEmpty()) {
                config.problem(key, "must not contain empty patterns");
            }
            else if (qualified && pattern.indexOf('.') < 0) {
                config.problem(key, "pattern \"" + pattern + "\" must be database.table (globs allowed, e.g. shop.order_*)");
            }
            else {
                result.add(new Glob(pattern));
            }
        }
        return result;
    }
}
