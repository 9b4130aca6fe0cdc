package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.model.TableName;

import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code rewrites}: where source databases and tables land on the target.
 *
 * @param databases source database to target database
 * @param tables source {@code db.table} to target table name (in the rewritten database)
 */
public record RewritesConfig(Map<String, String> databases, Map<TableName, String> tables)
{
    public RewritesConfig
    {
        databases = Map.copyOf(requireNonNull(databases, "databases is null"));
        tables = Map.copyOf(requireNonNull(tables, "tables is null"));
    }

    public static RewritesConfig none()
    {
        return new RewritesConfig(Map.of(), Map.of());
    }

    static RewritesConfig bind(PluginConfig config)
    {
        Map<String, String> databases = config.stringMap("databases");
        Map<TableName, String> tables = new HashMap<>();
        for (Map.Entry<String, String> entry : config.stringMap("tables").entrySet()) {
            try {
                TableName source = TableName.parse(entry.getKey());
                if (entry.getValue().isBlank() || entry.getValue().contains(".")) {
                    config.problem("tables." + entry.getKey(), "must be a bare table name (the database comes from rewrites.databases)");
                }
                else {
                    tables.put(source, entry.getValue());
                }
            }
            catch (IllegalArgumentException e) {
                config.problem("tables", "key \"" + entry.getKey() + "\" must be database.table");
            }
        }
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, String> entry : databases.entrySet()) {
            String previous = seen.put(entry.getValue(), entry.getKey());
            if (previous != null) {
                config.problem("databases", "databases " + previous + " and " + entry.getKey() + " both map to " + entry.getValue());
            }
        }
        return new RewritesConfig(databases, tables);
    }

    /**
     * The target name of a source table.
     */
    public TableName apply(TableName source)
    {
        String database = databases.getOrDefault(source.database(), source.database());
        String table = tables.getOrDefault(source, source.table());
        return new TableName(database, table);
    }

    public String applyDatabase(String database)
    {
        return databases.getOrDefault(database, database);
    }

    /**
     * The source name of a table the target holds under {@code target}: the inverse of
     * {@link #apply} (names no rewrite produces are their own source names).
     */
    public TableName reverse(TableName target)
    {
        String database = target.database();
        for (Map.Entry<String, String> entry : databases.entrySet()) {
            if (entry.getValue().equals(target.database())) {
                database = entry.getKey();
                break;
            }
        }
        for (Map.Entry<TableName, String> entry : tables.entrySet()) {
            if (entry.getKey().database().equals(database) && entry.getValue().equals(target.table())) {
                return entry.getKey();
            }
        }
        return new TableName(database, target.table());
    }
}
