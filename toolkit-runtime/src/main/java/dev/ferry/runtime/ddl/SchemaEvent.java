package dev.ferry.runtime.ddl;

import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A DDL statement from the binlog, classified.
 *
 * @param kind what the statement does
 * @param sql the statement as the source ran it
 * @param defaultDatabase the session database the statement ran in, or null
 * @param affected tables whose structure or data the statement changes (for a rename: the old names)
 * @param created tables that exist after the statement and did not before (rename targets included)
 * @param dropped tables that no longer exist after the statement
 * @param position where the statement sits in the binlog
 */
public record SchemaEvent(
        Kind kind,
        String sql,
        String defaultDatabase,
        List<TableName> affected,
        List<TableName> created,
        List<TableName> dropped,
        PositionPair position)
{
    public enum Kind
    {
        CREATE_TABLE, ALTER_TABLE, RENAME_TABLE, DROP_TABLE, TRUNCATE_TABLE,
        CREATE_DATABASE, DROP_DATABASE, CREATE_INDEX, DROP_INDEX,
        /** Statements outside ferry's scope: grants, users, routines, triggers, views, events. */
        IGNORED;

        /**
         * Whether the statement changes a table's structure (as opposed to only its data, or nothing).
         */
        public boolean changesStructure()
        {
            return this != TRUNCATE_TABLE && this != IGNORED;
        }
    }

    public SchemaEvent
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(sql, "sql is null");
        affected = List.copyOf(requireNonNull(affected, "affected is null"));
        created = List.copyOf(requireNonNull(created, "created is null"));
        dropped = List.copyOf(requireNonNull(dropped, "dropped is null"));
    }
}
