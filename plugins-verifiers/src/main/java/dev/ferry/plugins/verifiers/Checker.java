package dev.ferry.plugins.verifiers;

import dev.ferry.api.FerryException;
import dev.ferry.api.PluginContext;
import dev.ferry.api.SqlFailures;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.TableName;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The comparisons the {@code inline} and {@code iterative} verifiers run on their own
 * connections: key sets, key ranges, whole tables, and the final check of a backlog.
 * Thread-safe; every call borrows its own connections.
 */
final class Checker
{
    private static final int RETRIES = 5;
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(500);

    private final PluginContext context;
    private final ComparisonConfig config;
    private final Plans plans;

    Checker(PluginContext context, ComparisonConfig config, Plans plans)
    {
        this.context = requireNonNull(context, "context is null");
        this.config = requireNonNull(config, "config is null");
        this.plans = requireNonNull(plans, "plans is null");
    }

    /**
     * Compares the rows of {@code keys}, {@code batchSize} keys per query.
     */
    void compareKeys(TablePlan plan, List<Key> keys, DiffSink sink)
            throws SQLException, InterruptedException
    {
        if (keys.isEmpty()) {
            return;
        }
        retrying(plan, () -> {
            compareKeysOnce(plan, keys, sink);
            return null;
        });
    }

    private void compareKeysOnce(TablePlan plan, List<Key> keys, DiffSink sink)
            throws SQLException, InterruptedException
    {
        RowComparer comparer = new RowComparer(context::readRows);
        try (Connection source = context.source().getConnection(); Connection target = context.target().getConnection()) {
            int batchSize = config.batchSize();
            for (int from = 0; from < keys.size(); from += batchSize) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                comparer.compareKeys(source, target, plan, keys.subList(from, Math.min(keys.size(), from + batchSize)), sink);
            }
        }
    }

    /**
     * Compares every row with a key in {@code [start, end)} (null: unbounded), or the whole
     * table when it has no usable key.
     *
     * @return the number of source rows compared
     */
    long compareTable(TablePlan plan, Key start, Key end, DiffSink sink)
            throws SQLException, InterruptedException
    {
        return retrying(plan, () -> compareTableOnce(plan, start, end, sink));
    }

    private long compareTableOnce(TablePlan plan, Key start, Key end, DiffSink sink)
            throws SQLException, InterruptedException
    {
        RowComparer comparer = new RowComparer(context::readRows);
        try (Connection source = context.source().getConnection(); Connection target = context.target().getConnection()) {
            if (plan.keyless()) {
                return comparer.compareWhole(source, target, plan, sink);
            }
            return comparer.compareRange(source, target, plan, start, end, config.batchSize(), sink);
        }
    }

    /**
     * Reports target rows with keys in {@code [start, end)} (null: unbounded) whose keys the
     * source lacks.
     *
     * @return the number of target keys scanned
     */
    long findExtraTargetRows(TablePlan plan, Key start, Key end, DiffSink sink)
            throws SQLException, InterruptedException
    {
        return retrying(plan, () -> findExtraTargetRowsOnce(plan, start, end, sink));
    }

    private long findExtraTargetRowsOnce(TablePlan plan, Key start, Key end, DiffSink sink)
            throws SQLException, InterruptedException
    {
        // keys only: ten times the rows a comparison reads per query, as a round trip costs more
        // than the keys it carries
        int keysPerQuery = Math.max(config.batchSize(), Math.min(10 * config.batchSize(), 20_000));
        try (Connection source = context.source().getConnection(); Connection target = context.target().getConnection()) {
            return new RowComparer(context::readRows).findExtraTargetRows(source, target, plan, start, end, keysPerQuery, sink);
        }
    }

    /**
     * Up to {@code parts} key ranges of about equal width covering the table: boundaries
     * {@code [null, b1, ..., null]} where null is unbounded. One range unless the key is a single
     * integer column, the table is unfiltered and wide enough.
     */
    List<Key> split(TablePlan plan, int parts)
            throws SQLException, InterruptedException
    {
        return retrying(plan, () -> splitOnce(plan, parts));
    }

    private List<Key> splitOnce(TablePlan plan, int parts)
            throws SQLException
    {
        List<Key> bounds = new ArrayList<>();
        bounds.add(null);
        if (parts > 1 && !plan.keyless() && plan.keyColumns().size() == 1 && plan.predicate().isEmpty()
                && plan.keyColumns().get(0).type().family() == ColumnType.Family.INTEGER) {
            boolean unsigned = plan.keyColumns().get(0).unsigned();
            try (Connection source = context.source().getConnection();
                    PreparedStatement statement = source.prepareStatement(plan.minMaxSql());
                    ResultSet result = statement.executeQuery()) {
                if (result.next() && result.getBytes(1) != null) {
                    BigInteger min = new BigInteger(new String(result.getBytes(1), StandardCharsets.US_ASCII));
                    BigInteger max = new BigInteger(new String(result.getBytes(2), StandardCharsets.US_ASCII));
                    BigInteger width = max.subtract(min).add(BigInteger.ONE);
                    BigInteger minimum = BigInteger.valueOf(2L * config.batchSize());
                    int count = width.compareTo(minimum.multiply(BigInteger.valueOf(parts))) >= 0
                            ? parts
                            : width.divide(minimum).min(BigInteger.valueOf(parts)).intValue();
                    if (count > 1) {
                        BigInteger step = width.divide(BigInteger.valueOf(count));
                        for (int i = 1; i < count; i++) {
                            BigInteger bound = min.add(step.multiply(BigInteger.valueOf(i)));
                            bounds.add(Key.of(unsigned ? KeyValue.UnsignedInt.of(bound) : new KeyValue.SignedInt(bound.longValueExact())));
                        }
                    }
                }
            }
        }
        bounds.add(null);
        return bounds;
    }

    /**
     * The cutover check of a backlog: every table marked whole is compared whole, every other
     * table by its keys; differences go to {@code sink}.
     *
     * @return rows and keys compared
     */
    long checkBacklog(KeyBacklog backlog, DiffSink sink)
            throws InterruptedException
    {
        long compared = 0;
        for (TableName table : backlog.tables()) {
            TablePlan plan = plans.current(table).orElse(null);
            if (plan == null) {
                continue;
            }
            try {
                if (backlog.wholeTable(table) || plan.keyless()) {
                    compared += compareTable(plan, null, null, sink);
                }
                else {
                    List<Key> keys = backlog.snapshot(table);
                    compareKeys(plan, keys, sink);
                    compared += keys.size();
                }
            }
            catch (SQLException e) {
                throw new FerryException("verification of table " + table + " failed: " + e.getMessage(), e);
            }
        }
        return compared;
    }

    private interface SqlCall<T>
    {
        T run()
                throws SQLException, InterruptedException;
    }

    /**
     * Runs {@code call} again after a failure that passes (a lost connection, a restarting
     * server, a deadlock), up to {@value #RETRIES} times with backoff: comparing is read-only and
     * the sinks keep each key once, so a repeated comparison reports nothing twice.
     */
    private <T> T retrying(TablePlan plan, SqlCall<T> call)
            throws SQLException, InterruptedException
    {
        for (int failures = 0; ; failures++) {
            try {
                return call.run();
            }
            catch (SQLException e) {
                if (!SqlFailures.isRetryable(e) || failures >= RETRIES) {
                    throw e;
                }
                Duration delay = SqlFailures.retryDelay(RETRY_BACKOFF, failures);
                context.logger(Checker.class).log(System.Logger.Level.WARNING, "verifying {0} failed ({1}); retry {2} of {3} in {4} ms",
                        plan.source(), SqlFailures.describe(e), failures + 1, RETRIES, delay.toMillis());
                Thread.sleep(delay.toMillis());
            }
        }
    }
}
