package dev.ferry.runtime.copy;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.SqlParameters;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.CopyConfig.LockStrategy;
import dev.ferry.runtime.core.RekeyedRows;
import dev.ferry.runtime.sql.InsertStatement;
import dev.ferry.runtime.sql.ResultRows;
import dev.ferry.runtime.sql.SelectList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The end of a rekeyable table's copy ({@link RekeyedRows}): copies again the rows that reproduced
 * {@code ON UPDATE CASCADE}s moved while the table's ranges were copied, round after round, each
 * after the binlog applier caught up with the source, until a round finds nothing recorded. Each
 * lookup is read and written like a copy batch: under the lock strategy (a shared lock on the
 * source rows until the target commit, or the table's in-ferry lock), with {@code INSERT IGNORE}
 * (a row the target already has is as new or newer) and the copy filter's predicate.
 */
final class RekeyedRowCopier
{
    private static final Logger log = LoggerFactory.getLogger(RekeyedRowCopier.class);
    // a round takes the applier's lag; rounds go on while the workload keeps re-keying this table
    private static final int MAX_ROUNDS = 1_000;

    private final CopyContext context;
    private final TablePlan plan;
    private final RekeyedRows rekeyed;

    RekeyedRowCopier(CopyContext context, TablePlan plan, RekeyedRows rekeyed)
    {
        this.context = requireNonNull(context, "context is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.rekeyed = requireNonNull(rekeyed, "rekeyed is null");
    }

    /**
     * Copies the recorded rows until none are left and the table is closed.
     */
    void run()
            throws InterruptedException
    {
        long rows = 0;
        long lookups = 0;
        for (int round = 1; !context.isStopping(); round++) {
            if (round > MAX_ROUNDS) {
                throw new CopyException("copying " + plan.table().name() + ": its rows keep being re-keyed by ON UPDATE CASCADE from their parents ("
                        + lookups + " cascades in " + MAX_ROUNDS + " rounds after its ranges were copied); pause the workload's key updates of "
                        + "the tables it references while its copy ends, then resume with --resume");
            }
            try (Connection connection = context.source().getConnection()) {
                context.barrier().awaitAppliedUpToCurrent(connection);
            }
            catch (SQLException e) {
                throw new CopyException("copying " + plan.table().name() + ": cannot wait for the binlog applier to catch up at the end of its copy: "
                        + e.getMessage(), e);
            }
            List<RekeyedRows.Lookup> recorded = rekeyed.takeOrClose(plan.table().name());
            if (recorded.isEmpty()) {
                if (lookups > 0) {
                    log.info("{}: copied again {} rows that {} cascading key updates moved during its copy", plan.table().name(), rows, lookups);
                }
                return;
            }
            lookups += recorded.size();
            rows += context.withRetries(plan, () -> "rows moved by a cascading key update", () -> copy(recorded));
        }
    }

    private long copy(List<RekeyedRows.Lookup> lookups)
            throws SQLException, InterruptedException
    {
        TableSchema table = context.currentSchema(plan.table().name()).orElse(null);
        if (table == null) {
            // dropped since (a replicated DDL): nothing to copy
            return 0;
        }
        List<Column> columns = table.writableColumns();
        int[] positions = new int[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        InsertStatement insert = new InsertStatement(plan.target(), columns, InsertStatement.Mode.IGNORE, context.tag());
        boolean sourceTransaction = context.config().lockStrategy() == LockStrategy.SOURCE_DB;
        long copied = 0;
        try (Connection source = context.source().getConnection(); Connection target = context.target().getConnection()) {
            source.setAutoCommit(!sourceTransaction);
            target.setAutoCommit(false);
            try {
                for (RekeyedRows.Lookup lookup : lookups) {
                    copied += copy(table, lookup, source, target, columns, positions, insert, sourceTransaction);
                }
            }
            finally {
                if (sourceTransaction) {
                    source.rollback();
                    source.setAutoCommit(true);
                }
                target.rollback();
                target.setAutoCommit(true);
            }
        }
        return copied;
    }

    private int copy(TableSchema table, RekeyedRows.Lookup lookup, Connection source, Connection target, List<Column> columns, int[] positions, InsertStatement insert,
            boolean sourceTransaction)
            throws SQLException
    {
        StringBuilder sql = new StringBuilder("SELECT ").append(SelectList.of(columns)).append(" FROM ").append(table.name().quoted()).append(" WHERE ");
        plan.predicate().ifPresent(predicate -> sql.append('(').append(predicate.sql()).append(") AND "));
        for (int i = 0; i < lookup.columns().size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(lookup.columns().get(i).quotedName()).append(" = ?");
        }
        if (sourceTransaction) {
            sql.append(" LOCK IN SHARE MODE");
        }
        boolean locked = false;
        try {
            if (context.config().lockStrategy() == LockStrategy.IN_FERRY) {
                context.locks().lockForCopy(plan.table().name());
                locked = true;
            }
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement statement = source.prepareStatement(sql.toString())) {
                int index = RangePlanner.bind(statement, plan.predicate());
                for (int i = 0; i < lookup.values().size(); i++) {
                    Column type = lookup.types().get(i);
                    SqlParameters.bindWire(statement, index++, type, KeySql.charsetOf(type), lookup.values().get(i));
                }
                try (ResultSet result = statement.executeQuery()) {
                    ResultRows.readAll(result, columns.size(), rows);
                }
            }
            for (int from = 0; from < rows.size(); from += insert.maxRowsPerStatement()) {
                int to = Math.min(rows.size(), from + insert.maxRowsPerStatement());
                try (PreparedStatement statement = insert.prepare(target, rows, from, to, positions)) {
                    statement.executeUpdate();
                }
            }
            target.commit();
            if (sourceTransaction) {
                source.commit();
            }
            return rows.size();
        }
        finally {
            if (locked) {
                context.locks().unlockForCopy(plan.table().name());
            }
        }
    }
}
