package dev.ferry.runtime.apply;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.SqlParameters;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.core.RekeyedRows;
import dev.ferry.runtime.sql.SelectList;
import dev.ferry.runtime.sql.StatementTag;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The child-row changes the binlog does not show: MariaDB and MySQL log only the parent's row
 * event of a delete or referenced-key update that a foreign key's {@code CASCADE},
 * {@code SET NULL} or {@code SET DEFAULT} propagates. Derived here from the moved tables' foreign
 * keys as statements on the target that run (with {@code foreign_key_checks=0}) in the parent
 * event's transaction, before the parent's own row change:
 * <ul>
 * <li>each statement reaches its rows by a join path from the parent's image: the direct children
 * by {@code child.fk = ?} (the parent's old referenced values), grandchildren by joining through
 * the children, and so on, down to InnoDB's own cascade depth limit of {@value #MAX_DEPTH};</li>
 * <li>descendants are changed before their ancestors (their joins need the ancestors' old values);</li>
 * <li>{@code CASCADE} on delete deletes, {@code SET NULL} sets every column of the foreign key to
 * {@code NULL}, {@code SET DEFAULT} to {@code DEFAULT(column)}, {@code CASCADE} on update sets
 * the children's columns to the parent's new values; a child's changed columns propagate to its
 * own children's {@code ON UPDATE} actions, as InnoDB does.</li>
 * </ul>
 * A row whose foreign-key columns hold a NULL is nobody's child ({@code =} never matches NULL).
 * Applying the statements again finds no row left to change: they are idempotent with the event.
 * Referencing tables that are not moved are not on the target and are ignored. Immutable once
 * built; plans are cached per table and set of changed columns (applier thread only).
 */
final class Cascades
{
    /**
     * InnoDB refuses a cascade deeper than this ({@code FK_MAX_CASCADE_DEL}), so the source never
     * logged one.
     */
    static final int MAX_DEPTH = 15;
    static final int MAX_STATEMENTS = 1_000;

    /**
     * A value of the parent's row image: the old ({@code after == false}) or new one.
     */
    record Parameter(boolean after, int position) {}

    /**
     * One derived statement; its {@code ?} take {@code parameters} in order. A multi-table
     * {@code DELETE} names its alias, which MariaDB resolves in the session's default database
     * (1046 "No database selected" without one, a privilege check on that database with one), so
     * it runs with {@code database} as the default; null for updates.
     */
    record Derived(String sql, List<Parameter> parameters, String database, Changed changed)
    {
        Derived(String sql, List<Parameter> parameters, String database)
        {
            this(sql, parameters, database, null);
        }
    }

    /**
     * How to read, before the statement runs, the rows of {@code table} it changes, for the
     * verifier ({@code Verifier.afterEventsApplied} hears them as row events): {@code sql} takes
     * {@code parameters}; for an update, the new image has the columns at {@code positions} set to
     * the parent's new values {@code values} (null where the action sets NULL or the default), for
     * a delete {@code positions} is null. {@code moves}: the update sets a column of the table's
     * pagination key to a new value, moving rows in its key order, which the copy must read again
     * while the table's copy is open ({@link RekeyedRows}).
     */
    record Changed(TableSchema table, String sql, List<Parameter> parameters, int[] positions, List<Parameter> values, boolean moves) {}

    private record Edge(TableSchema child, ForeignKey key) {}

    private record Step(TableSchema child, ForeignKey key, String alias) {}

    /**
     * A new value: {@code sql} with at most one parameter.
     */
    private record Value(String sql, Parameter parameter) {}

    private final Map<TableName, List<Edge>> incoming = new HashMap<>();
    private final Function<TableName, TableName> targetNames;
    private final StatementTag tag;
    // by identity: a TableSchema record's hashCode walks all its columns, and this runs per event
    private final Map<TableSchema, List<Derived>> deletes = new IdentityHashMap<>();
    private final Map<TableSchema, Map<BitSet, List<Derived>>> updates = new IdentityHashMap<>();
    private final Map<TableSchema, int[]> updateReferenced = new IdentityHashMap<>();
    private final Map<TableName, Set<TableName>> reach = new HashMap<>();
    private final Set<TableName> involved = new HashSet<>();

    /**
     * @param tables the moved tables
     * @param targetNames a moved table's name on the target
     * @param tag put in front of every derived statement
     */
    Cascades(Collection<TableSchema> tables, Function<TableName, TableName> targetNames, StatementTag tag)
    {
        this.targetNames = requireNonNull(targetNames, "targetNames is null");
        this.tag = requireNonNull(tag, "tag is null");
        for (TableSchema table : tables) {
            for (ForeignKey key : table.foreignKeys()) {
                if (key.onDelete().changesReferencingRows() || key.onUpdate().changesReferencingRows()) {
                    incoming.computeIfAbsent(key.referencedTable(), ignored -> new ArrayList<>()).add(new Edge(table, key));
                    involved.add(table.name());
                    involved.add(key.referencedTable());
                }
            }
        }
    }

    boolean isEmpty()
    {
        return incoming.isEmpty();
    }

    /**
     * Whether {@code table} is the parent or the child of a cascading foreign key: its events
     * must stay in binlog order with those of the tables the cascade joins it to.
     */
    boolean involves(TableName table)
    {
        return involved.contains(table);
    }

    /**
     * The statements that reproduce the cascades of deleting a row of {@code parent}; empty when none.
     */
    List<Derived> onDelete(TableSchema parent)
    {
        List<Derived> cached = deletes.get(parent);
        if (cached == null) {
            List<Derived> result = new ArrayList<>();
            for (Edge edge : edges(parent.name())) {
                if (edge.key().onDelete().changesReferencingRows()) {
                    deleted(parent, List.of(step(edge, 1)), result);
                }
            }
            cached = List.copyOf(result);
            deletes.put(parent, cached);
        }
        return cached;
    }

    /**
     * Positions of {@code parent}'s columns that a foreign key with an {@code ON UPDATE} action
     * references: an update changing one of them cascades.
     */
    int[] updateReferenced(TableSchema parent)
    {
        int[] cached = updateReferenced.get(parent);
        if (cached == null) {
            BitSet positions = new BitSet();
            for (Edge edge : edges(parent.name())) {
                if (edge.key().onUpdate().changesReferencingRows()) {
                    for (String column : edge.key().referencedColumns()) {
                        int position = parent.columnIndex(column);
                        if (position >= 0) {
                            positions.set(position);
                        }
                    }
                }
            }
            cached = positions.stream().toArray();
            updateReferenced.put(parent, cached);
        }
        return cached;
    }

    /**
     * The statements that reproduce the cascades of an update of a row of {@code parent} that
     * changed the columns at {@code changed} positions; empty when none.
     */
    List<Derived> onUpdate(TableSchema parent, BitSet changed)
    {
        Map<BitSet, List<Derived>> byChange = updates.computeIfAbsent(parent, ignored -> new HashMap<>());
        List<Derived> cached = byChange.get(changed);
        if (cached == null) {
            List<Derived> result = new ArrayList<>();
            for (Edge edge : edges(parent.name())) {
                ForeignKey key = edge.key();
                if (!key.onUpdate().changesReferencingRows() || !references(parent, key, changed)) {
                    continue;
                }
                Map<String, Value> values = new LinkedHashMap<>();
                for (int i = 0; i < key.columns().size(); i++) {
                    values.put(key.columns().get(i), key.onUpdate() == ForeignKey.Action.CASCADE
                            ? new Value("?", new Parameter(true, parent.columnIndex(key.referencedColumns().get(i))))
                            : actionValue(key.onUpdate(), "t1", edge.child(), key.columns().get(i)));
                }
                updated(parent, List.of(step(edge, 1)), values, result);
            }
            cached = List.copyOf(result);
            byChange.put((BitSet) changed.clone(), cached);
        }
        return cached;
    }

    /**
     * The moved tables a cascade from {@code table} may change, transitively (the applier holds
     * their in-ferry locks so that no copy batch read before the cascade is written after it).
     */
    Set<TableName> reachable(TableName table)
    {
        Set<TableName> cached = reach.get(table);
        if (cached == null) {
            Set<TableName> result = new LinkedHashSet<>();
            Deque<TableName> pending = new ArrayDeque<>();
            pending.add(table);
            while (!pending.isEmpty()) {
                for (Edge edge : edges(pending.poll())) {
                    if (result.add(edge.child().name())) {
                        pending.add(edge.child().name());
                    }
                }
            }
            cached = Set.copyOf(result);
            reach.put(table, cached);
        }
        return cached;
    }

    /**
     * Whether {@code event} changes child rows.
     */
    boolean cascades(RowEvent event)
    {
        return !incoming.isEmpty() && event.type() != RowEvent.Type.INSERT && !forEvent(event).isEmpty();
    }

    List<Derived> forEvent(RowEvent event)
    {
        TableSchema schema = event.table();
        if (event.type() == RowEvent.Type.DELETE) {
            return onDelete(schema);
        }
        int[] referenced = updateReferenced(schema);
        if (referenced.length == 0) {
            return List.of();
        }
        BitSet changed = null;
        Row before = event.before();
        Row after = event.after();
        for (int position : referenced) {
            if (!Arrays.equals(before.get(position), after.get(position))) {
                if (changed == null) {
                    changed = new BitSet();
                }
                changed.set(position);
            }
        }
        return changed == null ? List.of() : onUpdate(schema, changed);
    }

    /**
     * Runs {@code derived} (from {@link #forEvent}) for {@code event} on the target, and records
     * in {@code rekeyed} where its updates moved rows of tables whose copy is open.
     */
    static void apply(Connection connection, RowEvent event, List<Derived> derived, RekeyedRows rekeyed, List<RowEvent> changes)
            throws SQLException
    {
        List<Column> columns = event.table().columns();
        for (int d = 0; d < derived.size(); d++) {
            Derived statement = derived.get(d);
            List<Parameter> parameters = statement.parameters();
            boolean orphanless = false;
            for (int i = 0; i < parameters.size(); i++) {
                Parameter parameter = parameters.get(i);
                // a row with a NULL in its foreign key is nobody's child
                orphanless |= !parameter.after() && event.before().get(parameter.position()) == null;
            }
            if (orphanless) {
                continue;
            }
            if (statement.database() != null) {
                try (Statement use = connection.createStatement()) {
                    use.execute("USE " + TableName.quoteIdentifier(statement.database()));
                }
            }
            List<Row> changing = changes != null && statement.changed() != null ? read(connection, event, statement.changed()) : List.of();
            try (PreparedStatement prepared = connection.prepareStatement(statement.sql())) {
                for (int i = 0; i < parameters.size(); i++) {
                    Parameter parameter = parameters.get(i);
                    Column column = columns.get(parameter.position());
                    Row image = parameter.after() ? event.after() : event.before();
                    SqlParameters.bindWire(prepared, i + 1, column, KeySql.charsetOf(column),
                            image.get(parameter.position()));
                }
                prepared.executeUpdate();
            }
            catch (SQLException e) {
                throw new SQLException("reproducing a foreign-key cascade of a " + event.type() + " on " + event.table().name() + " failed ("
                        + statement.sql() + "): " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
            }
            for (int r = 0; r < changing.size(); r++) {
                changes.add(changeOf(event, statement.changed(), changing.get(r)));
            }
            Changed changed = statement.changed();
            if (changed != null && changed.moves() && rekeyed.isOpen(changed.table().name())) {
                rekeyed.record(changed.table().name(), lookup(event, changed));
            }
        }
    }

    private static List<Row> read(Connection connection, RowEvent event, Changed changed)
            throws SQLException
    {
        List<Column> columns = event.table().columns();
        try (PreparedStatement prepared = connection.prepareStatement(changed.sql())) {
            List<Parameter> parameters = changed.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                Column column = columns.get(parameters.get(i).position());
                SqlParameters.bindWire(prepared, i + 1, column, KeySql.charsetOf(column), event.before().get(parameters.get(i).position()));
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet result = prepared.executeQuery()) {
                Row.readAll(result, changed.table().columns().size(), rows);
            }
            return rows;
        }
        catch (SQLException e) {
            throw new SQLException("reading the child rows of a foreign-key cascade of a " + event.type() + " on " + event.table().name()
                    + " failed (" + changed.sql() + "): " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    /**
     * Where {@code changed} puts the rows it moves: its columns set to the parent's new values.
     */
    private static RekeyedRows.Lookup lookup(RowEvent event, Changed changed)
    {
        List<Column> parentColumns = event.table().columns();
        List<Column> columns = new ArrayList<>(changed.positions().length);
        List<Column> types = new ArrayList<>(changed.positions().length);
        List<byte[]> values = new ArrayList<>(changed.positions().length);
        for (int i = 0; i < changed.positions().length; i++) {
            Parameter value = changed.values().get(i);
            if (value != null) {
                columns.add(changed.table().columns().get(changed.positions()[i]));
                types.add(parentColumns.get(value.position()));
                values.add(event.after().get(value.position()));
            }
        }
        return new RekeyedRows.Lookup(columns, types, values);
    }

    /**
     * The row event of the cascade of {@code event} on the child row {@code row}.
     */
    private static RowEvent changeOf(RowEvent event, Changed changed, Row row)
    {
        if (changed.positions() == null) {
            return new RowEvent(RowEvent.Type.DELETE, changed.table(), row, null, event.position());
        }
        byte[][] after = new byte[row.size()][];
        for (int i = 0; i < after.length; i++) {
            after[i] = row.get(i);
        }
        for (int i = 0; i < changed.positions().length; i++) {
            Parameter value = changed.values().get(i);
            after[changed.positions()[i]] = value == null ? null : event.after().get(value.position());
        }
        return new RowEvent(RowEvent.Type.UPDATE, changed.table(), row, Row.wrap(after), event.position());
    }

    /**
     * Adds to {@code tables} the tables a cascade from one of them may change.
     */
    void addReachable(Set<TableName> tables)
    {
        if (!incoming.isEmpty()) {
            for (TableName table : List.copyOf(tables)) {
                tables.addAll(reachable(table));
            }
        }
    }

    private List<Edge> edges(TableName parent)
    {
        return incoming.getOrDefault(parent, List.of());
    }

    private static Step step(Edge edge, int depth)
    {
        return new Step(edge.child(), edge.key(), "t" + depth);
    }

    private static boolean references(TableSchema parent, ForeignKey key, BitSet changed)
    {
        for (String column : key.referencedColumns()) {
            int position = parent.columnIndex(column);
            if (position >= 0 && changed.get(position)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rows at the end of {@code path} lose their parent row: per the last key's
     * {@code ON DELETE}.
     */
    private void deleted(TableSchema root, List<Step> path, List<Derived> out)
    {
        Step last = path.get(path.size() - 1);
        ForeignKey.Action action = last.key().onDelete();
        if (action == ForeignKey.Action.CASCADE) {
            if (path.size() < MAX_DEPTH) {
                for (Edge edge : edges(last.child().name())) {
                    if (edge.key().onDelete().changesReferencingRows()) {
                        deleted(root, append(path, edge), out);
                    }
                }
            }
            add(out, new Derived("DELETE " + quote(last.alias()) + " FROM " + joins(path) + where(root, path), rootParameters(root, path),
                    targetNames.apply(last.child().name()).database(), changed(root, path, null)));
            return;
        }
        Map<String, Value> values = new LinkedHashMap<>();
        for (String column : last.key().columns()) {
            values.put(column, actionValue(action, last.alias(), last.child(), column));
        }
        updated(root, path, values, out);
    }

    /**
     * The rows at the end of {@code path} take {@code values} in the given columns; their own
     * children follow per their keys' {@code ON UPDATE}.
     */
    private void updated(TableSchema root, List<Step> path, Map<String, Value> values, List<Derived> out)
    {
        Step last = path.get(path.size() - 1);
        TableSchema table = last.child();
        if (path.size() < MAX_DEPTH) {
            for (Edge edge : edges(table.name())) {
                ForeignKey key = edge.key();
                if (!key.onUpdate().changesReferencingRows()) {
                    continue;
                }
                String alias = "t" + (path.size() + 1);
                Map<String, Value> childValues = new LinkedHashMap<>();
                for (int i = 0; i < key.columns().size(); i++) {
                    Value changed = valueOf(values, key.referencedColumns().get(i));
                    if (key.onUpdate() != ForeignKey.Action.CASCADE) {
                        childValues.put(key.columns().get(i), actionValue(key.onUpdate(), alias, edge.child(), key.columns().get(i)));
                    }
                    else if (changed != null) {
                        childValues.put(key.columns().get(i), changed);
                    }
                }
                boolean touched = false;
                for (String column : key.referencedColumns()) {
                    touched |= valueOf(values, column) != null;
                }
                if (touched) {
                    updated(root, append(path, edge), childValues, out);
                }
            }
        }
        // a key-changing cascade can meet the row under its new key already: the copy read it after
        // the source's cascade and wrote it before the applier got here (docs/consistency.md). That
        // row is the newer one, so the old one is dropped rather than moved onto it
        boolean collides = changesUniqueKey(table, values.keySet());
        StringBuilder sql = new StringBuilder(collides ? "UPDATE IGNORE " : "UPDATE ").append(joins(path)).append(" SET ");
        List<Parameter> parameters = new ArrayList<>();
        boolean first = true;
        for (Map.Entry<String, Value> entry : values.entrySet()) {
            sql.append(first ? "" : ", ").append(quote(last.alias())).append('.').append(column(table, entry.getKey())).append(" = ").append(entry.getValue().sql());
            if (entry.getValue().parameter() != null) {
                parameters.add(entry.getValue().parameter());
            }
            first = false;
        }
        parameters.addAll(rootParameters(root, path));
        add(out, new Derived(sql.append(where(root, path)).toString(), parameters, null, changed(root, path, values)));
        if (collides) {
            // what IGNORE left in place still matches the old values
            add(out, new Derived("DELETE " + quote(last.alias()) + " FROM " + joins(path) + where(root, path), rootParameters(root, path),
                    targetNames.apply(table.name()).database()));
        }
    }

    /**
     * The read of the rows at the end of {@code path} before a statement deletes them
     * ({@code values} null) or sets {@code values} in them.
     */
    private Changed changed(TableSchema root, List<Step> path, Map<String, Value> values)
    {
        Step last = path.get(path.size() - 1);
        TableSchema table = last.child();
        // read as the copy reads rows, so that the images match the binlog's
        String sql = "SELECT " + SelectList.of(table.columns(), last.alias()) + " FROM " + joins(path) + where(root, path);
        if (values == null) {
            return new Changed(table, sql, rootParameters(root, path), null, List.of(), false);
        }
        int[] positions = new int[values.size()];
        List<Parameter> newValues = new ArrayList<>(values.size());
        int i = 0;
        for (Map.Entry<String, Value> entry : values.entrySet()) {
            positions[i++] = table.columnIndex(entry.getKey());
            newValues.add(entry.getValue().parameter());
        }
        return new Changed(table, sql, rootParameters(root, path), positions, java.util.Collections.unmodifiableList(newValues), moves(table, values));
    }

    /**
     * Whether {@code values} set a column of {@code table}'s pagination key to a parent's new value.
     */
    private static boolean moves(TableSchema table, Map<String, Value> values)
    {
        if (table.paginationKey().isFullCopy()) {
            return false;
        }
        for (Column column : table.paginationKey().columns()) {
            Value value = valueOf(values, column.name());
            if (value != null && value.parameter() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether setting {@code columns} can make a row collide with another under a unique key.
     */
    private static boolean changesUniqueKey(TableSchema table, Collection<String> columns)
    {
        for (IndexInfo index : table.indexes()) {
            if (!index.unique()) {
                continue;
            }
            for (String column : index.columns()) {
                for (String changed : columns) {
                    if (changed.equalsIgnoreCase(column)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Value valueOf(Map<String, Value> values, String column)
    {
        for (Map.Entry<String, Value> entry : values.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(column)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static Value actionValue(ForeignKey.Action action, String alias, TableSchema table, String column)
    {
        return action == ForeignKey.Action.SET_DEFAULT
                ? new Value("DEFAULT(" + quote(alias) + '.' + column(table, column) + ")", null)
                : new Value("NULL", null);
    }

    private void add(List<Derived> out, Derived derived)
    {
        if (out.size() >= MAX_STATEMENTS) {
            throw new FerryException("the foreign keys referencing this table cascade into more than " + MAX_STATEMENTS
                    + " join paths (cycles of cascading foreign keys); ferry cannot reproduce such cascades: keep deletes and key updates of "
                    + "their parents out of the workload while ferry runs, or drop the cascading actions");
        }
        out.add(new Derived(tag.apply(derived.sql()), derived.parameters(), derived.database(), derived.changed()));
    }

    private static List<Step> append(List<Step> path, Edge edge)
    {
        List<Step> result = new ArrayList<>(path);
        result.add(step(edge, path.size() + 1));
        return result;
    }

    /**
     * {@code `db`.`child_n` AS `tn` JOIN ... JOIN `db`.`child_1` AS `t1` ON ...}: the last step first.
     */
    private String joins(List<Step> path)
    {
        StringBuilder sql = new StringBuilder();
        for (int i = path.size() - 1; i >= 0; i--) {
            Step step = path.get(i);
            sql.append(i == path.size() - 1 ? "" : " JOIN ").append(targetNames.apply(step.child().name()).quoted()).append(" AS ").append(quote(step.alias()));
            if (i < path.size() - 1) {
                Step child = path.get(i + 1);
                ForeignKey key = child.key();
                sql.append(" ON ");
                for (int c = 0; c < key.columns().size(); c++) {
                    sql.append(c == 0 ? "" : " AND ").append(quote(child.alias())).append('.').append(column(child.child(), key.columns().get(c)))
                            .append(" = ").append(quote(step.alias())).append('.').append(column(step.child(), key.referencedColumns().get(c)));
                }
            }
        }
        return sql.toString();
    }

    private static String where(TableSchema root, List<Step> path)
    {
        Step first = path.get(0);
        StringBuilder sql = new StringBuilder(" WHERE ");
        List<String> columns = first.key().columns();
        for (int c = 0; c < columns.size(); c++) {
            sql.append(c == 0 ? "" : " AND ").append(quote(first.alias())).append('.').append(column(first.child(), columns.get(c))).append(" = ?");
        }
        return sql.toString();
    }

    private static List<Parameter> rootParameters(TableSchema root, List<Step> path)
    {
        List<Parameter> result = new ArrayList<>();
        for (String column : path.get(0).key().referencedColumns()) {
            int position = root.columnIndex(column);
            if (position < 0) {
                throw new FerryException("foreign key " + path.get(0).key().name() + " of " + path.get(0).child().name() + " references column "
                        + column + ", which " + root.name() + " does not have");
            }
            result.add(new Parameter(false, position));
        }
        return result;
    }

    private static String column(TableSchema table, String name)
    {
        int position = table.columnIndex(name);
        if (position < 0) {
            throw new FerryException("foreign key column " + name + " is not a column of " + table.name());
        }
        Column column = table.columns().get(position);
        return column.quotedName();
    }

    private static String quote(String alias)
    {
        return '`' + alias + '`';
    }
}
