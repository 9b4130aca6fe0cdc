package dev.ferry.runtime.copy;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowBatch;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.CopyConfig.LockStrategy;
import dev.ferry.runtime.config.CopyConfig;
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.sql.InsertStatement;
import dev.ferry.runtime.sql.LoadDataStatement;
import dev.ferry.runtime.sql.ResultRows;
import dev.ferry.runtime.sql.SelectList;
import dev.ferry.runtime.state.RangeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Copies one key range of a table, batch by batch, in key order. Each batch is read from the
 * source and written to the target with one multi-row {@code INSERT IGNORE}; with the
 * {@code source-db} strategy the read is a locking read whose transaction stays open until the
 * target committed. Retries deadlocks, lock wait timeouts and lost connections with backoff.
 * <p>
 * A {@linkplain TablePlan#resync() resync} copy first deletes the target's rows between the
 * batch's keys, then writes the batch with {@code INSERT ... ON DUPLICATE KEY UPDATE} (with
 * {@code LOAD DATA}, an upsert follows only a batch of which the target still had some rows: one
 * that meets another row's unique value), so the target range ends up equal to what the source
 * had when the batch was read. The binlog
 * applier converges on it for the same reason it converges on an ordinary copy: the batch is read
 * and written under the copy's lock strategy, so no change to its rows is applied in between.
 */
// Over 600 lines on purpose: one range's batch loop (read, write, resync delete, retry, follow a DDL)
// shares its prepared statements and connections; split, each part would need all of that state.
final class RangeCopier
{
    private static final Logger log = LoggerFactory.getLogger(RangeCopier.class);
    private static final int ER_DUP_ENTRY = 1062;
    private static final int ER_BAD_FIELD = 1054;
    private static final int ER_NO_SUCH_TABLE = 1146;
    private static final int ER_TABLE_DEF_CHANGED = 1412;

    private final CopyContext context;
    private final TablePlan plan;
    private final int rangeIndex;
    private final boolean descending;
    // schema-dependent, rebuilt when a DDL changes the table during its copy
    private TableSchema table;
    private List<Column> columns;
    private int[] positions;
    private KeySql keySql;
    private int[] keyPositions;
    private InsertStatement insert;
    private LoadDataStatement load;
    private java.sql.Statement loadStatement;
    private String firstSql;
    private String nextSql;
    private KeySql.Condition lowBound;
    private KeySql.Condition highBound;
    private KeySql.Condition cursorBound;
    private KeySql.Condition lastBound;
    private Connection source;
    private Connection target;
    private PreparedStatement fullInsert;
    private int fullInsertRows;
    private final BatchSizer sizer;

    RangeCopier(CopyContext context, TablePlan plan, int rangeIndex)
    {
        this.context = requireNonNull(context, "context is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.rangeIndex = rangeIndex;
        this.descending = context.config().descending();
        this.sizer = context.newSizer(plan.table());
        prepare(plan.table());
    }

    private void prepare(TableSchema schema)
    {
        this.table = schema;
        this.columns = table.writableColumns();
        this.positions = new int[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        this.keySql = KeySql.of(table.paginationKey().columns());
        this.keyPositions = keyPositions(table.name(), keySql.columns(), columns);
        this.insert = new InsertStatement(plan.target(), columns, plan.resync() ? InsertStatement.Mode.UPSERT : InsertStatement.Mode.IGNORE, context.tag());
        this.load = new LoadDataStatement(plan.target(), columns, context.tag());
        this.lowBound = keySql.compare(KeySql.Operator.GREATER);
        this.highBound = keySql.compare(KeySql.Operator.LESS_OR_EQUAL);
        this.cursorBound = keySql.compare(descending ? KeySql.Operator.LESS : KeySql.Operator.GREATER);
        this.lastBound = keySql.compare(descending ? KeySql.Operator.GREATER_OR_EQUAL : KeySql.Operator.LESS_OR_EQUAL);
        this.firstSql = select(false);
        this.nextSql = select(true);
    }

    private String select(boolean afterCursor)
    {
        List<String> conditions = rangeConditions(afterCursor);
        StringBuilder sql = new StringBuilder("SELECT ").append(SelectList.of(columns)).append(" FROM ").append(table.name().quoted());
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        sql.append(" ORDER BY ").append(keySql.orderBy(descending));
        // LIMIT and the lock clause follow per batch (see limited): the batch size may be tuned
        return sql.toString();
    }

    /**
     * Copies the rest of the range.
     *
     * @return where the table went when it was renamed during the copy (the range is left
     *         incomplete: the copy continues under the new name), else null
     */
    TableRenames.Fate run()
            throws InterruptedException
    {
        try {
            return copyRange();
        }
        finally {
            closeConnections();
        }
    }

    private TableRenames.Fate copyRange()
            throws InterruptedException
    {
        RangeState range = plan.range(rangeIndex);
        Key cursor = range.cursor();
        int identityChecked = plan.renamesSeen();
        while (!context.isStopping()) {
            context.awaitThrottlers();
            int batchSize = sizer.next(context.pinnedBatchSize(), context.batchSize());
            if (plan.superseded()) {
                // another range of the table noticed the rename
                return null;
            }
            int version = context.renamesVersion();
            if (version != identityChecked) {
                identityChecked = version;
                TableRenames.Fate fate = context.changedIdentity(plan);
                if (fate != null && fate.renamed()) {
                    log.info("{} was renamed to {} during its copy; the copy continues under the new name", table.name(), fate.current());
                    return fate;
                }
                if (fate != null) {
                    log.info("{} was dropped during its copy; the range ends", table.name());
                    break;
                }
            }
            plan.progress().batchSize(batchSize, sizer.bytesPerRow());
            int[] copied = {0};
            Key previous = cursor;
            Key last;
            try {
                context.tuning().acquireCopySlot();
                try {
                    last = context.withRetries(plan, () -> previous == null ? "the start of its range" : "key " + previous, () -> {
                        long start = System.nanoTime();
                        BatchOutcome outcome = copyBatch(previous, batchSize);
                        if (outcome.rows > 0) {
                            context.batchCopied(System.nanoTime() - start);
                        }
                        copied[0] = outcome.rows;
                        sizer.record(batchSize, outcome.rows, outcome.bytes, outcome.totalNanos, outcome.writeNanos);
                        return outcome.lastKey;
                    });
                }
                finally {
                    context.tuning().releaseCopySlot();
                }
            }
            catch (SchemaChanged e) {
                TableRenames.Fate fate = followSchemaChange(e);
                if (fate != null && fate.renamed()) {
                    return fate;
                }
                if (fate != null) {
                    break;
                }
                continue;
            }
            if (copied[0] == 0) {
                break;
            }
            cursor = last;
            plan.updateRange(rangeIndex, plan.range(rangeIndex).withCursor(cursor));
            plan.progress().copied(copied[0], cursor);
            context.rowsCopied(copied[0]);
            if (copied[0] < batchSize) {
                break;
            }
            context.tuning().paceCopy(copied[0]);
        }
        if (!context.isStopping()) {
            plan.updateRange(rangeIndex, plan.range(rangeIndex).completed());
            plan.progress().rangeDone();
        }
        return null;
    }

    /**
     * @param bytes the batch's column data
     * @param totalNanos from the read to the commit
     * @param writeNanos of them, writing and committing on the target
     */
    private record BatchOutcome(int rows, Key lastKey, long bytes, long totalNanos, long writeNanos) {}

    /**
     * The table's structure changed on the source while it was being copied (a column the copy
     * names is gone, or the table is). Not retried as is: the copy first waits for the applier
     * to replicate the DDL, then continues from its cursor with the new structure.
     */
    private static final class SchemaChanged
            extends RuntimeException
    {
        SchemaChanged(SQLException cause)
        {
            super(cause.getMessage(), cause);
        }
    }

    private int schemaChanges;
    // column bytes of the last batch read
    private long readBytes;

    /**
     * Returns null when the range goes on with the table's new structure, else what became of the
     * table: renamed (the copy continues under the new name) or gone (the range ends).
     */
    private TableRenames.Fate followSchemaChange(SchemaChanged change)
            throws InterruptedException
    {
        if (++schemaChanges > 100) {
            throw new CopyException("copying " + table.name() + ": its structure keeps changing (" + change.getMessage() + ")", change);
        }
        closeConnections();
        try (Connection connection = context.source().getConnection()) {
            context.barrier().awaitAppliedUpToCurrent(connection);
        }
        catch (SQLException e) {
            throw new CopyException("copying " + table.name() + ": cannot wait for the binlog to catch up after a schema change: " + e.getMessage(), e);
        }
        // the applier has now applied every DDL the source ran before the failed statement
        TableRenames.Fate fate = context.changedIdentity(plan);
        if (fate != null && fate.renamed()) {
            log.info("{} was renamed to {} during its copy; the copy continues under the new name", table.name(), fate.current());
            return fate;
        }
        java.util.Optional<TableSchema> current = fate != null ? java.util.Optional.empty() : context.currentSchema(table.name());
        if (current.isEmpty()) {
            log.info("{} was dropped during its copy; the range ends", table.name());
            return fate != null ? fate : new TableRenames.Fate(table.name(), null, context.renamesVersion());
        }
        log.info("{} changed during its copy ({}); continuing from the cursor with its new structure", table.name(), change.getMessage());
        prepare(current.get());
        return null;
    }

    private BatchOutcome copyBatch(Key cursor, int batchSize)
            throws SQLException, InterruptedException
    {
        LockStrategy strategy = context.config().lockStrategy();
        boolean sourceTransaction = strategy == LockStrategy.SOURCE_DB;
        boolean locked = false;
        openConnections(sourceTransaction);
        try {
            if (strategy == LockStrategy.IN_FERRY) {
                context.locks().lockForCopy(table.name());
                locked = true;
            }
            long started = System.nanoTime();
            List<Row> rows = read(source, cursor, batchSize);
            if (rows.isEmpty()) {
                if (plan.resync()) {
                    clearSpan(target, cursor, null);
                    target.commit();
                }
                if (sourceTransaction) {
                    source.commit();
                }
                return new BatchOutcome(0, cursor, 0, 0, 0);
            }
            long read = System.nanoTime();
            Key lastKey = keyOf(rows.get(rows.size() - 1));
            if (plan.resync()) {
                // the batch replaces what the target holds between its keys (the last batch of the
                // range, also what lies after its last key): cleared first, in the batch's transaction
                clearSpan(target, cursor, rows.size() < batchSize ? null : lastKey);
            }
            write(target, rows);
            context.verifier().afterBatchCopied(new RowBatch(table, columns, rows, lastKey), target);
            target.commit();
            long committed = System.nanoTime();
            if (sourceTransaction) {
                source.commit();
            }
            return new BatchOutcome(rows.size(), lastKey, readBytes, committed - started, committed - read);
        }
        catch (SQLException e) {
            // the connections may be broken; the retry takes fresh ones
            closeConnections();
            if (e.getErrorCode() == ER_BAD_FIELD || e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_TABLE_DEF_CHANGED) {
                throw new SchemaChanged(e);
            }
            throw e;
        }
        catch (RuntimeException e) {
            closeConnections();
            throw e;
        }
        finally {
            if (locked) {
                context.locks().unlockForCopy(table.name());
            }
        }
    }

    /**
     * Each range keeps one source and one target connection for all its batches, in manual
     * commit mode, instead of borrowing and resetting them per batch.
     */
    private void openConnections(boolean sourceTransaction)
            throws SQLException
    {
        if (source == null) {
            source = context.source().getConnection();
            source.setAutoCommit(!sourceTransaction);
        }
        if (target == null) {
            target = context.target().getConnection();
            target.setAutoCommit(false);
        }
    }

    private void closeConnections()
    {
        closeStatement();
        if (source != null) {
            rollbackQuietly(source);
            closeQuietly(source);
            source = null;
        }
        if (target != null) {
            rollbackQuietly(target);
            closeQuietly(target);
            target = null;
        }
    }

    private static void closeQuietly(Connection connection)
    {
        try {
            connection.setAutoCommit(true);
        }
        catch (SQLException e) {
            log.debug("cannot reset autocommit", e);
        }
        try {
            connection.close();
        }
        catch (SQLException e) {
            log.debug("cannot close connection", e);
        }
    }

    private String limited(String select, int batchSize)
    {
        String sql = select + " LIMIT " + batchSize;
        return context.config().lockStrategy() == LockStrategy.SOURCE_DB ? sql + " LOCK IN SHARE MODE" : sql;
    }

    private List<Row> read(Connection source, Key cursor, int batchSize)
            throws SQLException
    {
        RangeState range = plan.range(rangeIndex);
        String sql = limited(cursor == null ? firstSql : nextSql, batchSize);
        int columnCount = columns.size();
        try (PreparedStatement statement = source.prepareStatement(sql)) {
            bindRange(statement, range, cursor);
            List<Row> rows = new ArrayList<>(Math.min(batchSize, 4096));
            try (ResultSet result = statement.executeQuery()) {
                readBytes = ResultRows.readAll(result, columnCount, rows);
            }
            return rows;
        }
    }

    /**
     * Binds the copy filter's predicate, the range's bounds and the cursor, in the order the
     * range's conditions are written; returns the next parameter index.
     */
    /**
     * The copy filter's predicate and the range's bounds, and the cursor's when {@code afterCursor},
     * in the order {@link #bindRange} binds them.
     */
    private List<String> rangeConditions(boolean afterCursor)
    {
        RangeState range = plan.range(rangeIndex);
        List<String> conditions = new ArrayList<>();
        plan.predicate().ifPresent(predicate -> conditions.add("(" + predicate.sql() + ")"));
        if (range.low() != null) {
            conditions.add(lowBound.sql());
        }
        if (range.high() != null) {
            conditions.add(highBound.sql());
        }
        if (afterCursor) {
            conditions.add(cursorBound.sql());
        }
        return conditions;
    }

    private int bindRange(PreparedStatement statement, RangeState range, Key cursor)
            throws SQLException
    {
        int index = RangePlanner.bind(statement, plan.predicate());
        if (range.low() != null) {
            index = lowBound.bind(statement, index, range.low());
        }
        if (range.high() != null) {
            index = highBound.bind(statement, index, range.high());
        }
        if (cursor != null) {
            index = cursorBound.bind(statement, index, cursor);
        }
        return index;
    }

    /**
     * Resync: deletes the target's rows of the range after {@code cursor} and up to {@code upTo}
     * (to the range's end when null), before the batch read from there is written. The delete
     * locks that span of the target's key until the batch commits, so nothing the applier writes
     * meanwhile lands in it; a span the target has no rows in (a fresh target) costs one short
     * statement. (Deleting only the rows the source lacks, with a {@code NOT IN} list of the
     * batch's keys, made the resync copy of a million rows 14-27% slower than a plain copy of the
     * same table; clearing the span, 0-10%.)
     */
    private void clearSpan(Connection target, Key cursor, Key upTo)
            throws SQLException
    {
        List<String> conditions = rangeConditions(cursor != null);
        if (upTo != null) {
            conditions.add(lastBound.sql());
        }
        String sql = context.tag().apply("DELETE FROM ") + plan.target().quoted() + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions));
        try (PreparedStatement statement = target.prepareStatement(sql)) {
            int index = bindRange(statement, plan.range(rangeIndex), cursor);
            if (upTo != null) {
                lastBound.bind(statement, index, upTo);
            }
            int deleted = statement.executeUpdate();
            if (deleted > 0) {
                log.debug("resync of {}: cleared {} rows before writing the batch", plan.target(), deleted);
            }
        }
    }

    private Key keyOf(Row row)
    {
        Key key = keySql.keyOf(row, keyPositions);
        if (key == null) {
            throw new IllegalStateException("a key column of " + table.name() + " (" + keySql.columnList() + ") is NULL");
        }
        return key;
    }

    private static int[] keyPositions(TableName name, List<Column> key, List<Column> rowColumns)
    {
        int[] positions = new int[key.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = -1;
            for (int j = 0; j < rowColumns.size(); j++) {
                if (rowColumns.get(j).name().equalsIgnoreCase(key.get(i).name())) {
                    positions[i] = j;
                    break;
                }
            }
            if (positions[i] < 0) {
                throw new IllegalArgumentException("key column " + key.get(i).name() + " of " + name + " is not among its copied columns");
            }
        }
        return positions;
    }

    private void write(Connection target, List<Row> rows)
            throws SQLException
    {
        if (context.writeMethod() == dev.ferry.runtime.config.CopyConfig.WriteMethod.LOAD_DATA) {
            if (loadStatement == null) {
                loadStatement = target.createStatement();
            }
            load.encode(rows, 0, rows.size(), positions);
            int inserted = load.execute(loadStatement);
            int duplicates = rows.size() - inserted;
            if (!plan.resync() || duplicates == 0) {
                checkWarnings(loadStatement, duplicates, plan.target());
                loadStatement.clearWarnings();
                return;
            }
            // a resync's span was cleared, so a skipped row met another row's unique value
            // (outside the span): the batch goes again as an upsert, which overwrites that row
            loadStatement.clearWarnings();
        }
        long limit = context.maxStatementBytes();
        int maxRows = insert.maxRowsPerStatement();
        int from = 0;
        while (from < rows.size()) {
            int to = from;
            long size = 0;
            while (to < rows.size() && to - from < maxRows && (to == from || size < limit)) {
                size += InsertStatement.estimatedSize(rows.get(to), positions);
                to++;
            }
            int count = to - from;
            if (fullInsert == null || fullInsertRows != count) {
                if (fullInsert != null && count < fullInsertRows) {
                    // a short chunk (last batch, or big rows): a one-off statement
                    try (PreparedStatement statement = insert.prepareServerSide(target, count)) {
                        insert.bind(statement, rows, from, to, positions);
                        int inserted = statement.executeUpdate();
                        checkWarnings(statement, skipped(count, inserted), plan.target());
                    }
                    from = to;
                    continue;
                }
                closeStatement();
                fullInsert = insert.prepareServerSide(target, count);
                fullInsertRows = count;
            }
            insert.bind(fullInsert, rows, from, to, positions);
            int inserted = fullInsert.executeUpdate();
            checkWarnings(fullInsert, skipped(count, inserted), plan.target());
            fullInsert.clearWarnings();
            from = to;
        }
    }

    /**
     * Rows an {@code INSERT IGNORE} skipped as duplicates, each with one warning. A resync's
     * upsert skips none (its count is of changed rows, two for an update).
     */
    private int skipped(int rows, int inserted)
    {
        return plan.resync() ? 0 : rows - inserted;
    }

    private void closeStatement()
    {
        closeQuietly(loadStatement);
        loadStatement = null;
        closeQuietly(fullInsert);
        fullInsert = null;
        fullInsertRows = 0;
    }

    private static void closeQuietly(java.sql.Statement statement)
    {
        if (statement != null) {
            try {
                statement.close();
            }
            catch (SQLException e) {
                log.debug("cannot close statement", e);
            }
        }
    }

    /**
     * {@code INSERT IGNORE} and {@code LOAD DATA LOCAL} turn every error into a warning.
     * Duplicate keys are expected (a resumed batch, or a row the applier wrote first), one warning
     * per skipped row; anything else means a value would not be stored exactly, so it fails the
     * batch. The server lists only the first {@code max_error_count} warnings: when fewer than
     * the skipped rows are listed, their total count decides.
     */
    static void checkWarnings(java.sql.Statement statement, int skipped, TableName target)
            throws SQLException
    {
        int listed = 0;
        for (SQLWarning current = statement.getWarnings(); current != null; current = current.getNextWarning()) {
            if (current.getErrorCode() != ER_DUP_ENTRY) {
                throw new SQLException("target " + target + " did not store a row exactly: warning " + current.getErrorCode() + ": " + current.getMessage(),
                        current.getSQLState(), current.getErrorCode());
            }
            listed++;
        }
        if (listed == skipped) {
            return;
        }
        long total;
        try (java.sql.Statement count = statement.getConnection().createStatement();
                java.sql.ResultSet result = count.executeQuery("SHOW COUNT(*) WARNINGS")) {
            result.next();
            total = result.getLong(1);
        }
        if (total != skipped) {
            throw new SQLException("target " + target + " did not store a row exactly: " + total + " warnings for " + skipped
                    + " rows skipped as duplicates (the first " + listed + " listed were duplicates)");
        }
    }

    static void rollbackQuietly(Connection connection)
    {
        try {
            if (!connection.isClosed() && !connection.getAutoCommit()) {
                connection.rollback();
            }
        }
        catch (SQLException e) {
            log.debug("rollback failed", e);
        }
    }

    static void resetQuietly(Connection connection)
    {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        }
        catch (SQLException e) {
            log.debug("cannot reset autocommit", e);
        }
    }
}
