package dev.ferry.api.filter;

import dev.ferry.api.model.TableName;

/**
 * Chooses which source databases and tables ferry moves. Consulted when tables are discovered,
 * for every binlog event and for every DDL, so a table created later is judged too.
 *
 * <p>Implementations are immutable and thread-safe, and answer quickly (no I/O).
 */
public interface TableFilter
{
    /**
     * Whether any table of the database may be moved. Used to skip whole databases (and their
     * CREATE/DROP DATABASE statements); a database accepted here may still have no table accepted.
     */
    boolean acceptsDatabase(String database);

    /**
     * Whether the table is moved.
     */
    boolean acceptsTable(TableName table);
}
