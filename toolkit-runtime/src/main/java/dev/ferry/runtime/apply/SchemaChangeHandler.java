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
    SchemaChangeHandler IGNORE = (sql, defaultDatabase, position) -> false;

    /**
     * Handles the statement. When it is called, the applier's position is the start of the
     * statement's transaction, so a state saved now resumes right before the statement.
     *
     * @return whether the statement changed the target; the applier then calls {@link #settled}
     *         once the statement's transaction has ended
     */
    boolean apply(String sql, String defaultDatabase, PositionPair position)
            throws SQLException;

    /**
     * Called on the applier thread once the transaction of a statement that changed the target
     * has ended and the applier's position is past it.
     */
    default void settled(PositionPair position) {}
}
