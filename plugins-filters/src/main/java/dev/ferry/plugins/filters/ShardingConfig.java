package dev.ferry.plugins.filters;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.model.TableName;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The keys of {@code copyFilter.type: sharding}.
 *
 * @param shardingKey {@code shardingKey}: the column holding the tenant, e.g. {@code tenant_id}
 * @param values {@code values}: the tenants to move, as written (typed by the column later)
 * @param joinedTables {@code joinedTables}: tables without the sharding key, moved through a join
 * @param primaryKeyTables {@code primaryKeyTables}: tables moved whole
 * @param cacheSize {@code cacheSize}: answers kept per cache of source lookups
 */
record ShardingConfig(String shardingKey, List<String> values, Map<TableName, ShardingConfig.Join> joinedTables, Set<TableName> primaryKeyTables,
        int cacheSize)
{
    static final int DEFAULT_CACHE_SIZE = 10_000;

    /**
     * Rows whose {@code joinColumn} is in {@code SELECT throughColumn FROM through WHERE shardingKey IN (values)}.
     */
    record Join(String joinColumn, TableName through, String throughColumn)
    {
        Join
        {
            requireNonNull(joinColumn, "joinColumn is null");
            requireNonNull(through, "through is null");
            requireNonNull(throughColumn, "throughColumn is null");
        }
    }

    ShardingConfig
    {
        requireNonNull(shardingKey, "shardingKey is null");
        values = List.copyOf(values);
        joinedTables = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(joinedTables, "joinedTables is null")));
        primaryKeyTables = Collections.unmodifiableSet(new LinkedHashSet<>(requireNonNull(primaryKeyTables, "primaryKeyTables is null")));
    }

    static ShardingConfig bind(PluginConfig config)
    {
        String shardingKey = config.requiredString("shardingKey");
        Set<String> values = new LinkedHashSet<>(config.stringList("values"));
        if (values.isEmpty()) {
            config.problem("values", "is required: the sharding values (tenants) to move, e.g. [7] or [7, 8]");
        }
        Map<TableName, Join> joinedTables = new LinkedHashMap<>();
        for (Map.Entry<String, PluginConfig> entry : config.sections("joinedTables").entrySet()) {
            String key = "joinedTables." + entry.getKey();
            TableName table = QualifiedNames.table(config, key, entry.getKey());
            PluginConfig section = entry.getValue();
            String joinColumn = section.requiredString("joinColumn");
            String throughText = section.requiredString("through");
            String throughColumn = section.requiredString("throughColumn");
            TableName through = null;
            if (throughText != null && !throughText.isEmpty()) {
                // a bare name is a table of the joined table's database
                through = throughText.indexOf('.') < 0 && table != null
                        ? new TableName(table.database(), throughText)
                        : QualifiedNames.table(section, "through", throughText);
            }
            if (table != null && through != null && notEmpty(joinColumn) && notEmpty(throughColumn)) {
                if (through.equals(table)) {
                    section.problem("through", "must be another table than " + table);
                }
                joinedTables.put(table, new Join(joinColumn, through, throughColumn));
            }
        }
        Set<TableName> primaryKeyTables = new LinkedHashSet<>();
        List<String> listed = config.stringList("primaryKeyTables");
        for (int i = 0; i < listed.size(); i++) {
            TableName table = QualifiedNames.table(config, "primaryKeyTables[" + i + "]", listed.get(i));
            if (table == null) {
                continue;
            }
            if (joinedTables.containsKey(table)) {
                config.problem("primaryKeyTables[" + i + "]", "table " + table + " is also in joinedTables: list it in one of them");
            }
            primaryKeyTables.add(table);
        }
        for (Map.Entry<TableName, Join> entry : joinedTables.entrySet()) {
            if (joinedTables.containsKey(entry.getValue().through())) {
                config.problem("joinedTables." + entry.getKey() + ".through", "table " + entry.getValue().through()
                        + " is itself a joined table; the through table must have the sharding key (joins do not chain)");
            }
        }
        refuseQuestionMarks(config, "shardingKey", shardingKey);
        for (Map.Entry<TableName, Join> entry : joinedTables.entrySet()) {
            String key = "joinedTables." + entry.getKey();
            refuseQuestionMarks(config, key + ".joinColumn", entry.getValue().joinColumn());
            refuseQuestionMarks(config, key + ".throughColumn", entry.getValue().throughColumn());
            refuseQuestionMarks(config, key + ".through", entry.getValue().through().toString());
        }
        int cacheSize = config.integer("cacheSize", DEFAULT_CACHE_SIZE, 1, 10_000_000);
        return new ShardingConfig(shardingKey == null ? "" : shardingKey, new ArrayList<>(values), joinedTables, primaryKeyTables, cacheSize);
    }

    /**
     * Names go into SQL whose placeholders are counted as question marks.
     */
    private static void refuseQuestionMarks(PluginConfig config, String key, String name)
    {
        if (name != null && name.indexOf('?') >= 0) {
            config.problem(key, "names containing ? are not supported (got \"" + name + "\")");
        }
    }

    private static boolean notEmpty(String value)
    {
        return value != null && !value.isEmpty();
    }
}
