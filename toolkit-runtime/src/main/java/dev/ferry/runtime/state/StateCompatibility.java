package dev.ferry.runtime.state;

import dev.ferry.api.model.TableName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Decides whether a saved state can be resumed with the current config and source schema.
 */
public final class StateCompatibility
{
    private static final String START_OVER = "start over with a new state location";

    private StateCompatibility() {}

    /**
     * The reasons the run cannot resume from {@code saved}, or an empty list when it can.
     *
     * <p>A different config fingerprint is reported alone: the tables and rewrites it decides make
     * any comparison of tables meaningless. With schema replication on, a changed or vanished table
     * is not a problem, because the resume replays the DDL from the saved binlog position; with it
     * off, each table whose structure changed and each table that no longer exists is named.
     * Tables that exist now but not in the state are left to the run (they are copied as new).
     *
     * @param configFingerprint the fingerprint of the current config
     * @param currentSchemaFingerprints the structure fingerprint of each source table selected now
     * @param schemaReplication whether DDL is replicated from the binlog
     */
    public static List<String> check(FerryState saved, String configFingerprint, Map<TableName, String> currentSchemaFingerprints, boolean schemaReplication)
    {
        requireNonNull(saved, "saved is null");
        requireNonNull(configFingerprint, "configFingerprint is null");
        requireNonNull(currentSchemaFingerprints, "currentSchemaFingerprints is null");
        if (!saved.configFingerprint().equals(configFingerprint)) {
            return List.of("the state was written for a different config (fingerprint " + saved.configFingerprint() + " ≠ " + configFingerprint
                    + "): resume with the config that wrote it, or " + START_OVER);
        }
        if (schemaReplication) {
            return List.of();
        }
        Set<TableName> savedTables = new TreeSet<>(saved.tables().keySet());
        savedTables.addAll(saved.schemaFingerprints().keySet());
        List<String> problems = new ArrayList<>();
        for (TableName table : savedTables) {
            String now = currentSchemaFingerprints.get(table);
            if (now == null) {
                problems.add("table " + table + " is in the state but no longer on the source (dropped or renamed while ferry was stopped, "
                        + "and schema replication is off): restore it, or " + START_OVER);
                continue;
            }
            String then = saved.schemaFingerprints().get(table);
            if (then != null && !then.equals(now)) {
                problems.add("table " + table + " changed on the source since the state was saved (schema fingerprint " + then + " ≠ " + now
                        + ") and schema replication is off: restore its structure, or " + START_OVER);
            }
        }
        return List.copyOf(problems);
    }
}
