package dev.ferry.runtime.apply;

import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.sql.StatementTag;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Writes a batch of row events to the target in one open transaction, in binlog order: runs of
 * consecutive events of one table and one operation become one statement, and the child changes
 * of a cascading delete or update ({@link Cascades}) run right before their parent's event.
 * One thread at a time: each apply worker has its own.
 */
final class EventWriter
{
    private final RewritesConfig rewrites;
    private final Supplier<? extends Collection<TableSchema>> tables;
    private final long maxStatementBytes;
    private final StatementTag tag;
    private final Map<TableSchema, TableStatements> statements = new IdentityHashMap<>();
    // built from the moved tables' foreign keys; dropped with the statements after a schema change
    private Cascades cascades;

    /**
     * @param tag put in front of every statement written to the target
     */
    EventWriter(RewritesConfig rewrites, Supplier<? extends Collection<TableSchema>> tables, long maxStatementBytes, StatementTag tag)
    {
        this.tag = requireNonNull(tag, "tag is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.tables = requireNonNull(tables, "tables is null");
        this.maxStatementBytes = maxStatementBytes;
    }

    /**
     * Forgets statements and foreign keys, after a schema change.
     */
    void reset()
    {
        statements.clear();
        cascades = null;
    }

    /**
     * A binlog row event and what the copy filter makes of it: {@code write} is the event to
     * apply (the same, or an update turned into an insert or a delete), or null to apply nothing
     * but the cascades of {@code original} (its children may be moved rows).
     */
    record Change(RowEvent original, RowEvent write) {}

    /**
     * Applies {@code changes} in order, the cascades of each original before its own write,
     * turning each run of consecutive writes of one table and one operation into one statement.
     */
    void apply(Connection connection, List<Change> changes)
            throws SQLException
    {
        List<Row> run = new ArrayList<>();
        boolean cascading = !cascades().isEmpty();
        TableStatements runTable = null;
        boolean runIsDelete = false;
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            RowEvent original = change.original();
            if (cascading && original.type() != RowEvent.Type.INSERT) {
                List<Cascades.Derived> derived = cascades.forEvent(original);
                if (!derived.isEmpty()) {
                    if (runTable != null) {
                        flushRun(connection, runTable, runIsDelete, run);
                        runTable = null;
                    }
                    Cascades.apply(connection, original, derived);
                }
            }
            RowEvent event = change.write();
            if (event == null) {
                continue;
            }
            TableStatements table = statementsFor(event.table());
            boolean delete;
            Row row;
            switch (event.type()) {
                case INSERT:
                    delete = false;
                    row = event.after();
                    break;
                case DELETE:
                    delete = true;
                    row = event.before();
                    break;
                default:
                    if (table.keyChanged(event.before(), event.after())) {
                        if (runTable != null && (runTable != table || !runIsDelete)) {
                            flushRun(connection, runTable, runIsDelete, run);
                        }
                        runTable = table;
                        runIsDelete = true;
                        run.add(event.before());
                    }
                    delete = false;
                    row = event.after();
            }
            if (runTable != null && (runTable != table || runIsDelete != delete)) {
                flushRun(connection, runTable, runIsDelete, run);
            }
            runTable = table;
            runIsDelete = delete;
            run.add(row);
        }
        if (runTable != null) {
            flushRun(connection, runTable, runIsDelete, run);
        }
    }

    private void flushRun(Connection connection, TableStatements table, boolean delete, List<Row> run)
            throws SQLException
    {
        if (run.isEmpty()) {
            return;
        }
        if (delete) {
            table.delete(connection, run, 0, run.size());
        }
        else {
            table.write(connection, run, 0, run.size(), maxStatementBytes);
        }
        run.clear();
    }

    Cascades cascades()
    {
        if (cascades == null) {
            cascades = new Cascades(tables.get(), rewrites::apply, tag);
        }
        return cascades;
    }

    private TableStatements statementsFor(TableSchema schema)
    {
        TableStatements result = statements.get(schema);
        if (result == null) {
            result = new TableStatements(schema, rewrites.apply(schema.name()), tag);
            statements.put(schema, result);
        }
        return result;
    }

}
