package dev.ferry.plugins.filters;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.model.TableName;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The keys of {@code copyFilter.type: where}.
 *
 * @param tables {@code tables}: the condition of each listed table
 * @param defaultCondition {@code default}: the condition of every other table; without it those
 *        tables are copied whole
 * @param cacheSize {@code cacheSize}: answers kept per cache of source lookups (text compared
 *        under a non-binary collation)
 */
record WhereConfig(Map<TableName, RowCondition> tables, Optional<RowCondition> defaultCondition, int cacheSize)
{
    static final int DEFAULT_CACHE_SIZE = 10_000;

    WhereConfig
    {
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(tables, "tables is null")));
        requireNonNull(defaultCondition, "defaultCondition is null");
    }

    /**
     * Binds and parses the section, recording every problem (unparseable or unsupported
     * conditions included) in {@code config}.
     */
    static WhereConfig bind(PluginConfig config)
    {
        Map<TableName, RowCondition> tables = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : config.stringMap("tables").entrySet()) {
            String key = "tables." + entry.getKey();
            TableName table = QualifiedNames.table(config, key, entry.getKey());
            RowCondition condition = parse(config, key, entry.getValue());
            if (table != null && condition != null) {
                tables.put(table, condition);
            }
        }
        Optional<RowCondition> defaultCondition = Optional.empty();
        String defaultText = config.string("default", null);
        if (defaultText != null) {
            defaultCondition = Optional.ofNullable(parse(config, "default", defaultText));
        }
        if (!config.has("tables") && defaultText == null) {
            config.problem(null, "set tables (db.table: condition, e.g. {shop.orders: \"tenant_id = 7\"}) or default (the condition of every table), or both");
        }
        int cacheSize = config.integer("cacheSize", DEFAULT_CACHE_SIZE, 1, 10_000_000);
        return new WhereConfig(tables, defaultCondition, cacheSize);
    }

    private static RowCondition parse(PluginConfig config, String key, String text)
    {
        List<String> problems = new ArrayList<>();
        RowCondition condition = RowCondition.parse(text, problems);
        for (String problem : problems) {
            config.problem(key, problem);
        }
        return condition;
    }

    /**
     * The condition of a table: its own, else the default, else none (copied whole).
     */
    Optional<RowCondition> condition(TableName table)
    {
        RowCondition condition = tables.get(table);
        return condition != null ? Optional.of(condition) : defaultCondition;
    }
}
