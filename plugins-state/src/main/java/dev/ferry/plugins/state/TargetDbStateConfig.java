package dev.ferry.plugins.state;

import dev.ferry.api.PluginConfig;

import static java.util.Objects.requireNonNull;

/**
 * Config of the {@code target-db} state store.
 *
 * @param database the target database holding the state table; created when missing
 * @param table the state table, one row per run id; created when missing
 * @param writePositionWithBatches whether every applied binlog batch records its position in the
 *        same target transaction, so a resume never re-applies a committed batch
 */
record TargetDbStateConfig(String database, String table, boolean writePositionWithBatches)
{
    static final String DEFAULT_TABLE = "ferry_state";
    private static final int MAX_IDENTIFIER = 64;

    TargetDbStateConfig
    {
        requireNonNull(database, "database is null");
        requireNonNull(table, "table is null");
    }

    static TargetDbStateConfig bind(PluginConfig config)
    {
        String database = config.requiredString("database");
        if (!database.isEmpty()) {
            checkIdentifier(config, "database", database);
        }
        String table = config.string("table", DEFAULT_TABLE);
        checkIdentifier(config, "table", table);
        boolean withBatches = config.bool("writePositionWithBatches", false);
        return new TargetDbStateConfig(database, table, withBatches);
    }

    private static void checkIdentifier(PluginConfig config, String key, String name)
    {
        if (name.isBlank() || name.length() > MAX_IDENTIFIER || name.endsWith(" ")) {
            config.problem(key, "must be a MySQL identifier of 1 to " + MAX_IDENTIFIER + " characters, not ending in a space (got \"" + name + "\")");
        }
    }
}
