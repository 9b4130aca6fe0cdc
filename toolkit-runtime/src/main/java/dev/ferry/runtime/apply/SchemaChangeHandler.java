package dev.ferry.runtime.apply;

import dev.ferry.api.model.PositionPair;

import java.sql.SQLException;

/**
 * Handles a schema statement from the binlog (one {@code DdlStatements.isSchemaStatement}
 * accepts; the binlog listener passes no others) on the applier thread, after every row event
 * before it was applied and before any row event after it is: the DDL barrier.
 */
public interface SchemaChangeHandler
{
    /**
     * Ignores every statement: for runs that do not replicate schema changes.
     */
    SchemaChangeHandler IGNORE = (sql, defaultDatabase, position) -> {};

    void apply(String sql, String defaultDatabase, PositionPair position)
            throws SQLException;
}
