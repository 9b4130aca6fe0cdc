package dev.ferry.runtime.copy;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.state.RangeState;

import javax.sql.DataSource;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Splits a large table into key ranges that copy in parallel. A single integer key is split
 * arithmetically between its minimum and maximum (instant, even for billions of rows); other keys
 * by walking the key index in steps of {@code rangeSize} rows. Small tables get one range.
 */
public final class RangePlanner
{
    static final int MAX_RANGES = 256;
    // a table is split for parallelism alone only into ranges of at least this many rows
    static final long MIN_PARALLEL_RANGE_ROWS = 50_000;
    // ... or of at least this many bytes (a table of large blobs has few rows)
    static final long MIN_PARALLEL_RANGE_BYTES = 16L << 20;

    private final DataSource source;
    private final long rangeSize;
    private final int parallelism;

    public RangePlanner(DataSource source, long rangeSize)
    {
        this(source, rangeSize, 1);
    }

    /**
     * @param parallelism the copy's concurrency: a table of fewer than {@code rangeSize} rows
     *        but at least twice {@value #MIN_PARALLEL_RANGE_ROWS} is still split into up to this
     *        many ranges, so that a database with one large table keeps every worker busy
     */
    public RangePlanner(DataSource source, long rangeSize, int parallelism)
    {
        this.source = requireNonNull(source, "source is null");
        this.rangeSize = rangeSize;
        this.parallelism = Math.max(1, parallelism);
    }

    /**
     * How many ranges a table of {@code estimatedRows} rows is split into.
     */
    static long rangeCount(long estimatedRows, long estimatedBytes, long rangeSize, int parallelism)
    {
        long bySize = (Math.max(0, estimatedRows) + rangeSize - 1) / rangeSize;
        long byParallelism = Math.min(parallelism, Math.max(estimatedRows / MIN_PARALLEL_RANGE_ROWS, estimatedBytes / MIN_PARALLEL_RANGE_BYTES));
        // never more ranges than rows
        byParallelism = Math.min(byParallelism, Math.max(1, estimatedRows));
        return Math.max(1, Math.min(MAX_RANGES, Math.max(bySize, byParallelism)));
    }

    /**
     * The server's estimates of a table's rows and data size (off-page blobs included).
     */
    public record Estimate(long rows, long bytes) {}

    /**
     * The server's row estimate for a table.
     */
    public long estimateRows(TableSchema table)
            throws SQLException
    {
        return estimate(table).rows();
    }

    /**
     * The server's estimates of a table's rows and size, in one query.
     */
    public Estimate estimate(TableSchema table)
            throws SQLException
    {
        try (Connection connection = source.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT COALESCE(table_rows, 0), COALESCE(data_length, 0) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            statement.setString(1, table.name().database());
            statement.setString(2, table.name().table());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? new Estimate(rows.getLong(1), rows.getLong(2)) : new Estimate(0, 0);
            }
        }
    }

    /**
     * Ranges for {@code table} from its row estimate; asks the server for its size when that
     * decides whether it is split.
     */
    public List<RangeState> plan(TableSchema table, long estimatedRows, Optional<SqlPredicate> predicate)
            throws SQLException
    {
        List<RangeState> single = List.of(new RangeState(null, null, null, false));
        if (table.paginationKey().isFullCopy()) {
            return single;
        }
        long count = rangeCount(estimatedRows, 0, rangeSize, parallelism);
        if (count < parallelism && estimatedRows > 1) {
            count = rangeCount(estimatedRows, estimate(table).bytes(), rangeSize, parallelism);
        }
        return plan(table, estimatedRows, count, predicate);
    }

    /**
     * Ranges for {@code table} from both of its estimates.
     */
    public List<RangeState> plan(TableSchema table, Estimate estimate, Optional<SqlPredicate> predicate)
            throws SQLException
    {
        if (table.paginationKey().isFullCopy()) {
            return List.of(new RangeState(null, null, null, false));
        }
        return plan(table, estimate.rows(), rangeCount(estimate.rows(), estimate.bytes(), rangeSize, parallelism), predicate);
    }

    private List<RangeState> plan(TableSchema table, long estimatedRows, long count, Optional<SqlPredicate> predicate)
            throws SQLException
    {
        List<RangeState> single = List.of(new RangeState(null, null, null, false));
        if (count <= 1) {
            return single;
        }
        List<Column> key = table.paginationKey().columns();
        List<Key> boundaries = key.size() == 1 && key.get(0).type().family() == ColumnType.Family.INTEGER
                ? arithmeticBoundaries(table, count, predicate)
                : indexBoundaries(table, predicate, (estimatedRows + count - 1) / count);
        if (boundaries.isEmpty()) {
            return single;
        }
        List<RangeState> ranges = new ArrayList<>();
        Key low = null;
        for (Key boundary : boundaries) {
            ranges.add(new RangeState(low, boundary, null, false));
            low = boundary;
        }
        ranges.add(new RangeState(low, null, null, false));
        return ranges;
    }

    private List<Key> arithmeticBoundaries(TableSchema table, long count, Optional<SqlPredicate> predicate)
            throws SQLException
    {
        Column column = table.paginationKey().columns().get(0);
        String sql = "SELECT MIN(" + column.quotedName() + "), MAX(" + column.quotedName() + ") FROM " + table.name().quoted()
                + predicate.map(p -> " WHERE " + p.sql()).orElse("");
        BigInteger min;
        BigInteger max;
        try (Connection connection = source.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, predicate);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || rows.getBytes(1) == null) {
                    return List.of();
                }
                min = new BigInteger(new String(rows.getBytes(1), java.nio.charset.StandardCharsets.US_ASCII));
                max = new BigInteger(new String(rows.getBytes(2), java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        BigInteger span = max.subtract(min);
        List<Key> boundaries = new ArrayList<>();
        BigInteger previous = null;
        for (long i = 1; i < count; i++) {
            BigInteger boundary = min.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(count)));
            if (previous != null && boundary.compareTo(previous) <= 0 || boundary.compareTo(max) >= 0) {
                continue;
            }
            boundaries.add(Key.of(column.unsigned() ? KeyValue.UnsignedInt.of(boundary) : new KeyValue.SignedInt(boundary.longValueExact())));
            previous = boundary;
        }
        return boundaries;
    }

    private List<Key> indexBoundaries(TableSchema table, Optional<SqlPredicate> predicate, long step)
            throws SQLException
    {
        KeySql key = KeySql.of(table.paginationKey().columns());
        int[] keyPositions = new int[key.size()];
        for (int i = 0; i < keyPositions.length; i++) {
            keyPositions[i] = i;
        }
        KeySql.Condition after = key.compare(KeySql.Operator.GREATER);
        String base = "SELECT " + key.columnList() + " FROM " + table.name().quoted();
        String order = " ORDER BY " + key.orderBy(false) + " LIMIT 1 OFFSET " + (Math.max(1, step) - 1);
        List<Key> boundaries = new ArrayList<>();
        try (Connection connection = source.getConnection()) {
            Key previous = null;
            while (boundaries.size() < MAX_RANGES - 1) {
                List<String> conditions = new ArrayList<>();
                predicate.ifPresent(p -> conditions.add("(" + p.sql() + ")"));
                if (previous != null) {
                    conditions.add(after.sql());
                }
                String sql = base + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)) + order;
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    int index = bind(statement, predicate);
                    if (previous != null) {
                        after.bind(statement, index, previous);
                    }
                    try (ResultSet rows = statement.executeQuery()) {
                        if (!rows.next()) {
                            break;
                        }
                        byte[][] values = new byte[key.size()][];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = rows.getBytes(i + 1);
                        }
                        previous = key.keyOf(Row.wrap(values), keyPositions);
                        if (previous == null) {
                            throw new IllegalStateException("a key column of " + table.name() + " (" + key.columnList() + ") is NULL");
                        }
                        boundaries.add(previous);
                    }
                }
            }
        }
        return boundaries;
    }

    static int bind(PreparedStatement statement, Optional<SqlPredicate> predicate)
            throws SQLException
    {
        int index = 1;
        if (predicate.isPresent()) {
            for (Object parameter : predicate.get().parameters()) {
                statement.setObject(index++, parameter);
            }
        }
        return index;
    }
}
