package dev.ferry.runtime.apply;

import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.core.RekeyedRows;
import dev.ferry.runtime.sql.StatementTag;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
    private final RekeyedRows rekeyed;
    // the child-row changes of reproduced cascades in the last apply, for the verifier; null when it does not want them
    private final List<RowEvent> cascaded;
    private final Map<TableSchema, TableStatements> statements = new IdentityHashMap<>();
    // built from the moved tables' foreign keys; dropped with the statements after a schema change
    private Cascades cascades;

    /**
     * @param tag put in front of every statement written to the target
     * @param rekeyed where reproduced cascades record rows they moved in a table whose copy is open
     * @param readsCascaded whether the child rows a cascade changes are read first, as row events for the verifier
     */
    EventWriter(RewritesConfig rewrites, Supplier<? extends Collection<TableSchema>> tables, long maxStatementBytes, StatementTag tag, RekeyedRows rekeyed,
            boolean readsCascaded)
    {
        this.cascaded = readsCascaded ? new ArrayList<>() : null;
        this.tag = requireNonNull(tag, "tag is null");
        this.rekeyed = requireNonNull(rekeyed, "rekeyed is null");
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
     * The events of a table whose rows are identified exactly by their key bytes are reduced to
     * each row's final state first ({@link #compact}).
     */
    void apply(Connection connection, List<Change> batch)
            throws SQLException
    {
        if (cascaded != null) {
            cascaded.clear();
        }
        List<Change> changes = groupedByTable(batch);
        List<Row> run = new ArrayList<>();
        boolean cascading = !cascades().isEmpty();
        TableStatements runTable = null;
        boolean runIsDelete = false;
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            RowEvent original = change.original();
            TableSchema schema = original.table();
            TableStatements statementsOfTable = statementsFor(schema);
            if (statementsOfTable.compactable() && !cascades().involves(schema.name())) {
                int end = i + 1;
                while (end < changes.size() && changes.get(end).original().table() == schema) {
                    end++;
                }
                if (end - i > 1) {
                    if (runTable != null) {
                        flushRun(connection, runTable, runIsDelete, run);
                        runTable = null;
                    }
                    compact(connection, statementsOfTable, changes.subList(i, end));
                    i = end - 1;
                    continue;
                }
            }
            if (cascading && original.type() != RowEvent.Type.INSERT) {
                List<Cascades.Derived> derived = cascades.forEvent(original);
                if (!derived.isEmpty()) {
                    if (runTable != null) {
                        flushRun(connection, runTable, runIsDelete, run);
                        runTable = null;
                    }
                    Cascades.apply(connection, original, derived, rekeyed, cascaded);
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

    /**
     * Adds to {@code events} the child-row changes of the cascades the last {@link #apply}
     * reproduced (when asked to read them), and forgets them.
     */
    void drainCascaded(List<RowEvent> events)
    {
        if (cascaded != null) {
            events.addAll(cascaded);
            cascaded.clear();
        }
    }

    /**
     * {@code batch} with the events of each table moved together, so that they make fewer and
     * longer statements: events of different tables commute (target sessions run with
     * {@code foreign_key_checks=0}), except where a cascade derives one table's changes from
     * another's events; the tables a cascade joins keep their binlog order, first. Within a table
     * the order is the binlog's.
     */
    private List<Change> groupedByTable(List<Change> batch)
    {
        if (batch.size() < 3) {
            return batch;
        }
        Map<TableName, List<Change>> byTable = new LinkedHashMap<>();
        List<Change> ordered = new ArrayList<>(batch.size());
        TableName previous = null;
        boolean interleaved = false;
        for (int i = 0; i < batch.size(); i++) {
            Change change = batch.get(i);
            TableName table = change.original().table().name();
            if (cascades().involves(table)) {
                ordered.add(change);
                continue;
            }
            List<Change> events = byTable.get(table);
            if (events == null) {
                events = new ArrayList<>();
                byTable.put(table, events);
            }
            else if (!table.equals(previous)) {
                interleaved = true;
            }
            events.add(change);
            previous = table;
        }
        if (!interleaved) {
            return batch;
        }
        for (List<Change> events : byTable.values()) {
            ordered.addAll(events);
        }
        return ordered;
    }

    /**
     * Writes the final state of each row that {@code changes} (events of one table, in binlog
     * order) touch: one delete of the rows that end absent, one upsert of the rows that end
     * present. Exact for a table whose only unique index is its identifying key and whose key
     * bytes decide equality ({@link TableStatements#compactable}): each event sets or removes one
     * row independently of the others, the last event of a row decides its state, and the two
     * sets are disjoint, so no order between them matters.
     */
    private void compact(Connection connection, TableStatements table, List<Change> changes)
            throws SQLException
    {
        // each row's last image, and whether the row ends removed (the image is then its old one)
        Map<TableStatements.RowKey, Final> last = new LinkedHashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            RowEvent event = changes.get(i).write();
            if (event == null) {
                continue;
            }
            switch (event.type()) {
                case INSERT -> last.put(table.rowKey(event.after()), new Final(event.after(), false));
                case DELETE -> last.put(table.rowKey(event.before()), new Final(event.before(), true));
                default -> {
                    if (table.keyChanged(event.before(), event.after())) {
                        last.put(table.rowKey(event.before()), new Final(event.before(), true));
                    }
                    last.put(table.rowKey(event.after()), new Final(event.after(), false));
                }
            }
        }
        List<Row> deletes = new ArrayList<>();
        List<Row> upserts = new ArrayList<>(last.size());
        for (Final state : last.values()) {
            (state.removed() ? deletes : upserts).add(state.row());
        }
        if (!deletes.isEmpty()) {
            table.delete(connection, deletes, 0, deletes.size());
        }
        if (!upserts.isEmpty()) {
            table.write(connection, upserts, 0, upserts.size(), maxStatementBytes);
        }
    }

    private record Final(Row row, boolean removed) {}

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
