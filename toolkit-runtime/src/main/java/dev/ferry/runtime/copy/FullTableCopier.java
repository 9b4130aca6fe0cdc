package dev.ferry.runtime.copy;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowBatch;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.sql.InsertStatement;
import dev.ferry.runtime.sql.SelectList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Copies a table without a usable pagination key in one go: the source table is locked with
 * {@code LOCK TABLES ... READ} (writers wait), the binlog applier is held off the table and
 * first catches up to the source's position, then the target table's rows are replaced by the
 * source's in one target transaction. Exact even for tables without any unique key, at the cost
 * of blocking writes to the table while it is copied: only for small tables.
 */
final class FullTableCopier
{
    private static final Logger log = LoggerFactory.getLogger(FullTableCopier.class);
    private static final int ER_NO_SUCH_TABLE = 1146;

    private final CopyContext context;
    private final TablePlan plan;
    // set when the table turned out to be renamed or dropped on the source
    private TableRenames.Fate moved;

    FullTableCopier(CopyContext context, TablePlan plan)
    {
        this.context = requireNonNull(context, "context is null");
        this.plan = requireNonNull(plan, "plan is null");
    }

    /**
     * Copies the table.
     *
     * @return where the table went when it was renamed on the source before its copy (the copy
     *         is then left incomplete, to continue under the new name), else null
     */
    TableRenames.Fate run()
            throws InterruptedException
    {
        int[] copied = {0};
        context.withRetries(plan, () -> "full copy", () -> {
            copied[0] = copyAll();
            return null;
        });
        if (moved != null && moved.renamed()) {
            log.info("{} was renamed to {} before its copy; the copy continues under the new name", plan.table().name(), moved.current());
            return moved;
        }
        if (moved != null) {
            log.info("{} was dropped before its copy; nothing to copy", plan.table().name());
        }
        plan.progress().copied(copied[0], null);
        context.rowsCopied(copied[0]);
        plan.updateRange(0, plan.range(0).completed());
        plan.progress().rangeDone();
        return null;
    }

    private int copyAll()
            throws SQLException, InterruptedException
    {
        TableSchema table = plan.table();
        List<Column> columns = table.writableColumns();
        int[] positions = new int[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        InsertStatement insert = new InsertStatement(plan.target(), columns, InsertStatement.Mode.IGNORE, context.tag());
        int batchSize = context.pinnedBatchSize() > 0 ? context.pinnedBatchSize() : context.batchSize();
        long maxBytes = context.maxBatchBytes();
        try (Connection source = context.source().getConnection(); Connection target = context.target().getConnection()) {
            try (Statement lock = source.createStatement()) {
                lock.execute("LOCK TABLES " + table.name().quoted() + " READ");
            }
            catch (SQLException e) {
                if (e.getErrorCode() != ER_NO_SUCH_TABLE || !context.followsRenames()) {
                    throw e;
                }
                context.barrier().awaitAppliedUpToCurrent(source);
                moved = context.changedIdentity(plan);
                if (moved == null) {
                    throw e;
                }
                return 0;
            }
            try {
                // Catch up first: the applier needs the table while it applies earlier events.
                context.barrier().awaitAppliedUpToCurrent(source);
                // The lock holds the name: every rename before it is applied now, so this tells
                // whether the locked table is still the one planned, or another now under its name.
                moved = context.changedIdentity(plan);
                if (moved != null) {
                    return 0;
                }
                target.setAutoCommit(false);
                int total = 0;
                context.locks().lockExclusive(table.name());
                try (Statement delete = target.createStatement()) {
                    delete.executeUpdate(context.tag().apply("DELETE FROM " + plan.target().quoted()));
                    String sql = "SELECT " + SelectList.of(columns) + " FROM " + table.name().quoted()
                            + plan.predicate().map(p -> " WHERE " + p.sql()).orElse("");
                    try (PreparedStatement select = source.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                        RangePlanner.bind(select, plan.predicate());
                        select.setFetchSize(Integer.MIN_VALUE);
                        try (ResultSet result = select.executeQuery()) {
                            List<Row> rows = new ArrayList<>(Math.min(batchSize, 4096));
                            long bytes = 0;
                            // a batch is the rows streamed since the last one, and their write
                            long batchStart = System.nanoTime();
                            while (true) {
                                boolean more = result.next();
                                if (more) {
                                    byte[][] values = new byte[columns.size()][];
                                    for (int i = 0; i < values.length; i++) {
                                        byte[] value = result.getBytes(i + 1);
                                        values[i] = value;
                                        bytes += value == null ? 1 : value.length;
                                    }
                                    rows.add(Row.wrap(values));
                                }
                                // blobs: a batch is also bounded by its bytes
                                if (rows.size() == batchSize || bytes >= maxBytes || (!more && !rows.isEmpty())) {
                                    try (PreparedStatement statement = insert.prepare(target, rows, 0, rows.size(), positions)) {
                                        int inserted = statement.executeUpdate();
                                        RangeCopier.checkWarnings(statement, rows.size() - inserted, plan.target());
                                    }
                                    context.verifier().afterBatchCopied(new RowBatch(table, columns, rows, null), target);
                                    total += rows.size();
                                    rows = new ArrayList<>(Math.min(batchSize, 4096));
                                    bytes = 0;
                                    long now = System.nanoTime();
                                    context.batchCopied(now - batchStart);
                                    batchStart = now;
                                }
                                if (!more) {
                                    break;
                                }
                            }
                        }
                    }
                    target.commit();
                    return total;
                }
                catch (SQLException | RuntimeException e) {
                    RangeCopier.rollbackQuietly(target);
                    throw e;
                }
                finally {
                    RangeCopier.resetQuietly(target);
                    context.locks().unlockExclusive(table.name());
                }
            }
            finally {
                try (Statement unlock = source.createStatement()) {
                    unlock.execute("UNLOCK TABLES");
                }
                catch (SQLException ignored) {
                    // a broken connection releases its locks when it closes
                }
            }
        }
    }
}
