package dev.ferry.runtime.apply;

import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Applies the row events whose foreign-key cascades the binlog does not show (see
 * {@link Cascades}) so that the target's own foreign keys perform them: target sessions run with
 * {@code foreign_key_checks=0}, and only the one statement that carries the cascade runs with
 * {@code foreign_key_checks=1}.
 * <ul>
 * <li>A delete: the old row is first written if absent ({@code INSERT IGNORE}, checks off; the
 * copy may not have reached it while it did copy its children), then deleted by key with checks
 * on, so InnoDB deletes or nulls its children, recursively.</li>
 * <li>An update of referenced columns: a real {@code UPDATE}, never delete plus insert. Checks
 * off: a row holding the new key is removed (it can only be this event's own earlier effect,
 * re-applied after a resume), the old row is written if absent, and every column but the
 * changed referenced ones is set to the new image. Checks on: the changed referenced columns
 * are set, so InnoDB cascades them; since only they change, the row's own foreign keys are
 * checked only when a referenced column is also a referencing one.</li>
 * </ul>
 * The end state of the event's row is the new image (or absent), as for every other event; a
 * re-applied event finds no child left to change. Used on the applier thread only.
 */
final class CascadingApply
{
    private final Supplier<? extends Collection<TableSchema>> tables;
    private Cascades cascades;

    /**
     * @param tables the moved tables' current schemas (read again after {@link #reset})
     */
    CascadingApply(Supplier<? extends Collection<TableSchema>> tables)
    {
        this.tables = requireNonNull(tables, "tables is null");
    }

    /**
     * Forgets the foreign keys, after a schema change.
     */
    void reset()
    {
        cascades = null;
    }

    private Cascades cascades()
    {
        if (cascades == null) {
            cascades = new Cascades(tables.get());
        }
        return cascades;
    }

    /**
     * Whether {@code event} is applied by {@link #apply} instead of the batched statements.
     * Updates of tables without an identifying key keep the delete-and-insert path.
     */
    boolean handles(RowEvent event, TableStatements table)
    {
        if (event.type() == RowEvent.Type.UPDATE && table.isKeyless()) {
            return false;
        }
        return cascades().needsCascade(event);
    }

    /**
     * Adds to {@code locked} the tables a cascade from a table of the batch may change.
     */
    void addCascadeTargets(Set<TableName> batchTables, Set<TableName> locked)
    {
        Cascades current = cascades();
        for (TableName table : batchTables) {
            if (current.hasCascadingChildren(table)) {
                locked.addAll(current.reachableChildren(table));
            }
        }
    }

    void apply(Connection connection, TableStatements table, RowEvent event)
            throws SQLException
    {
        if (event.type() == RowEvent.Type.DELETE) {
            Row before = event.before();
            if (!table.isKeyless()) {
                table.insertIfAbsent(connection, before);
            }
            try (Checks checks = Checks.on(connection)) {
                table.delete(connection, List.of(before), 0, 1);
            }
            catch (SQLException e) {
                throw failure("DELETE", table, e);
            }
            return;
        }
        Row before = event.before();
        Row after = event.after();
        int[] referenced = Cascades.changed(cascades().cascadingUpdateColumns(table.schema()), before, after);
        if (table.keyChanged(before, after)) {
            table.delete(connection, List.of(after), 0, 1);
        }
        table.insertIfAbsent(connection, before);
        int[] rest = table.writableExcept(referenced);
        if (rest.length > 0) {
            table.update(connection, rest, after, before);
        }
        try (Checks checks = Checks.on(connection)) {
            table.update(connection, referenced, after, keyAfterRest(table.keyPositions(), referenced, before, after));
        }
        catch (SQLException e) {
            throw failure("UPDATE", table, e);
        }
    }

    /**
     * The row's key after every column but {@code referenced} took its new value.
     */
    static Row keyAfterRest(int[] key, int[] referenced, Row before, Row after)
    {
        byte[][] values = new byte[after.size()][];
        for (int position : key) {
            boolean isReferenced = false;
            for (int other : referenced) {
                isReferenced |= other == position;
            }
            values[position] = isReferenced ? before.get(position) : after.get(position);
        }
        return Row.wrap(values);
    }

    private static SQLException failure(String what, TableStatements table, SQLException e)
    {
        return new SQLException("the cascading " + what + " on " + table.target() + " (run with foreign_key_checks=1 so that the target's "
                + "foreign keys change the referencing rows, as the source's did) failed: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }

    /**
     * {@code foreign_key_checks=1} for the session until closed.
     */
    private record Checks(Connection connection)
            implements AutoCloseable
    {
        static Checks on(Connection connection)
                throws SQLException
        {
            set(connection, 1);
            return new Checks(connection);
        }

        @Override
        public void close()
                throws SQLException
        {
            set(connection, 0);
        }

        private static void set(Connection connection, int value)
                throws SQLException
        {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION foreign_key_checks = " + value);
            }
        }
    }
}
