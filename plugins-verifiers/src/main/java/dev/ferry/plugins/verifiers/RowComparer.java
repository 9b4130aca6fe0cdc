package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.Row;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares source and target rows of one table: rows read side by side by their values
 * ({@link Fingerprinter#sameValues}), a table without a usable key by fingerprints. Rows are
 * paired by byte-identical keys: both sides are read with the same key set or range, so the server's collation has
 * already decided which rows belong; a row whose key bytes have no counterpart is reported as
 * differing (a key that is equal under a case-insensitive collation but spelled differently is a
 * real difference of that column). Not thread-safe: one per worker thread.
 */
final class RowComparer
{
    private final Fingerprinter fingerprinter = new Fingerprinter();
    private final Query.Reader reader;

    RowComparer()
    {
        this(Row::readAll);
    }

    /**
     * @param reader reads the rows of every query ({@code PluginContext::readRows})
     */
    RowComparer(Query.Reader reader)
    {
        this.reader = reader;
    }

    /**
     * Compares {@code source} rows (compared columns at {@code sourceCompared}, key at
     * {@code sourceKey}) with {@code target} rows in the plan's select layout; both in key order.
     *
     * @return how many source and target rows differ or are unmatched
     */
    int compare(TablePlan plan, List<Row> source, int[] sourceCompared, int[] sourceKey, List<Row> target, DiffSink sink)
    {
        int[] targetCompared = plan.comparedInSelect();
        int[] targetKey = plan.keyInSelect();
        int differences = 0;
        int common = Math.min(source.size(), target.size());
        int i = 0;
        for (; i < common; i++) {
            Row sourceRow = source.get(i);
            Row targetRow = target.get(i);
            if (!TablePlan.sameKeyBytes(sourceRow, sourceKey, targetRow, targetKey)) {
                break;
            }
            if (!sameRow(plan, sourceRow, sourceCompared, targetRow, targetCompared)) {
                report(plan, sourceRow, sourceKey, sink);
                differences++;
            }
        }
        if (i == source.size() && i == target.size()) {
            return differences;
        }
        // the sides diverge: pair the rest by key bytes
        Map<RawKey, Row> rest = new HashMap<>();
        for (int j = i; j < target.size(); j++) {
            Row targetRow = target.get(j);
            rest.put(RawKey.of(targetRow, targetKey), targetRow);
        }
        for (int j = i; j < source.size(); j++) {
            Row sourceRow = source.get(j);
            Row targetRow = rest.remove(RawKey.of(sourceRow, sourceKey));
            if (targetRow == null || !sameRow(plan, sourceRow, sourceCompared, targetRow, targetCompared)) {
                report(plan, sourceRow, sourceKey, sink);
                differences++;
            }
        }
        for (Row targetRow : rest.values()) {
            report(plan, targetRow, targetKey, sink);
            differences++;
        }
        return differences;
    }

    /**
     * Compares the keys' rows on both sides.
     */
    int compareKeys(Connection source, Connection target, TablePlan plan, List<Key> keys, DiffSink sink)
            throws SQLException
    {
        int columns = plan.selectColumns().size();
        List<Row> sourceRows = plan.keys(TablePlan.Side.SOURCE, keys).fetch(source, columns, reader);
        List<Row> targetRows = plan.keys(TablePlan.Side.TARGET, keys).fetch(target, columns, reader);
        return compare(plan, sourceRows, plan.comparedInSelect(), plan.keyInSelect(), targetRows, sink);
    }

    /**
     * Compares copied rows (writable-column layout) with the target rows read through
     * {@code target}: for a paginated copy without a copy filter every target row in the batch's
     * key span, so that a row the source does not have shows too; otherwise only the batch's
     * keys, {@code chunk} per query (the target may hold rows the filter does not move, and a full
     * copy's batches are not in key order).
     */
    int compareCopied(Connection target, TablePlan plan, List<Row> rows, int chunk, DiffSink sink)
            throws SQLException
    {
        int columns = plan.selectColumns().size();
        int[] keyPositions = plan.keyInWritable();
        if (plan.predicate().isEmpty() && plan.batchesOrdered()) {
            TablePlan.Bound first = new TablePlan.Bound(plan.keyOf(rows.get(0), keyPositions), true);
            TablePlan.Bound last = new TablePlan.Bound(plan.keyOf(rows.get(rows.size() - 1), keyPositions), true);
            int limit = 2 * rows.size() + 1000;
            List<Row> targetRows = plan.range(TablePlan.Side.TARGET, first, last, limit).fetch(target, columns, reader);
            if (targetRows.size() == limit) {
                sink.tableDiffers(plan.source(), "the target holds over " + (limit - rows.size()) + " rows more than a copied batch's key span");
                return limit;
            }
            return compare(plan, rows, plan.comparedInWritable(), keyPositions, targetRows, sink);
        }
        int differences = 0;
        for (int from = 0; from < rows.size(); from += chunk) {
            int to = Math.min(rows.size(), from + chunk);
            List<Row> targetRows = plan.targetKeysOf(rows, from, to, plan.keyInWritable()).fetch(target, columns, reader);
            differences += compare(plan, rows.subList(from, to), plan.comparedInWritable(), plan.keyInWritable(), targetRows, sink);
        }
        return differences;
    }

    /**
     * Compares every row with a key in {@code [start, end)} (null: unbounded), {@code batchSize}
     * source rows at a time.
     *
     * @return the number of source rows compared
     */
    long compareRange(Connection source, Connection target, TablePlan plan, Key start, Key end, int batchSize, DiffSink sink)
            throws SQLException, InterruptedException
    {
        int columns = plan.selectColumns().size();
        int[] compared = plan.comparedInSelect();
        int[] keyPositions = plan.keyInSelect();
        boolean filtered = plan.predicate().isPresent();
        TablePlan.Bound lower = start == null ? null : new TablePlan.Bound(start, true);
        TablePlan.Bound rangeEnd = end == null ? null : new TablePlan.Bound(end, false);
        int targetLimit = 2 * batchSize + 1;
        long rows = 0;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            List<Row> sourceRows = plan.range(TablePlan.Side.SOURCE, lower, rangeEnd, batchSize).fetch(source, columns, reader);
            rows += sourceRows.size();
            boolean last = sourceRows.size() < batchSize;
            if (filtered) {
                // the target may hold rows the filter does not move: look up the source's keys only
                if (sourceRows.isEmpty()) {
                    return rows;
                }
                List<Row> targetRows = plan.targetKeysOf(sourceRows, 0, sourceRows.size(), keyPositions).fetch(target, columns, reader);
                compare(plan, sourceRows, compared, keyPositions, targetRows, sink);
            }
            else {
                TablePlan.Bound upper = last ? rangeEnd : new TablePlan.Bound(plan.keyOf(sourceRows.get(sourceRows.size() - 1), keyPositions), true);
                List<Row> targetRows = plan.range(TablePlan.Side.TARGET, lower, upper, targetLimit).fetch(target, columns, reader);
                if (targetRows.size() == targetLimit) {
                    // many extra target rows: end this step at the last target row kept, on both sides
                    targetRows = targetRows.subList(0, targetLimit - 1);
                    upper = new TablePlan.Bound(plan.keyOf(targetRows.get(targetRows.size() - 1), keyPositions), true);
                    rows -= sourceRows.size();
                    sourceRows = plan.range(TablePlan.Side.SOURCE, lower, upper, 0).fetch(source, columns, reader);
                    rows += sourceRows.size();
                    compare(plan, sourceRows, compared, keyPositions, targetRows, sink);
                    lower = new TablePlan.Bound(upper.key(), false);
                    continue;
                }
                compare(plan, sourceRows, compared, keyPositions, targetRows, sink);
            }
            if (last) {
                return rows;
            }
            lower = new TablePlan.Bound(plan.keyOf(sourceRows.get(sourceRows.size() - 1), keyPositions), false);
        }
    }

    /**
     * Reports target rows with keys in {@code [start, end)} (null: unbounded) that the source
     * lacks. The target's keys are read in key order, {@code batchSize} per query, and the
     * source's keys of the same span with one range query; where the source holds far more keys
     * than the target in a span (target rows missing there, which the copied batches' comparison
     * reports), the target's keys are looked up on the source instead.
     *
     * @return the number of target keys scanned
     */
    long findExtraTargetRows(Connection source, Connection target, TablePlan plan, Key start, Key end, int batchSize, DiffSink sink)
            throws SQLException, InterruptedException
    {
        int size = plan.keyColumns().size();
        int[] positions = new int[size];
        for (int i = 0; i < size; i++) {
            positions[i] = i;
        }
        TablePlan.Bound lower = start == null ? null : new TablePlan.Bound(start, true);
        TablePlan.Bound rangeEnd = end == null ? null : new TablePlan.Bound(end, false);
        int sourceLimit = 2 * batchSize + 1;
        long scanned = 0;
        java.util.Set<RawKey> present = new java.util.HashSet<>();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            List<Row> targetKeys = plan.keyRange(TablePlan.Side.TARGET, lower, rangeEnd, batchSize).fetch(target, size, reader);
            if (targetKeys.isEmpty()) {
                return scanned;
            }
            scanned += targetKeys.size();
            Key last = plan.keyOf(targetKeys.get(targetKeys.size() - 1), positions);
            List<Row> sourceKeys = plan.keyRange(TablePlan.Side.SOURCE, lower, new TablePlan.Bound(last, true), sourceLimit).fetch(source, size, reader);
            if (sourceKeys.size() == sourceLimit) {
                sourceKeys = plan.sourceKeysOf(targetKeys, positions).fetch(source, size, reader);
            }
            present.clear();
            for (Row row : sourceKeys) {
                present.add(RawKey.of(row, positions));
            }
            for (Row row : targetKeys) {
                if (!present.contains(RawKey.of(row, positions))) {
                    report(plan, row, positions, sink);
                }
            }
            if (targetKeys.size() < batchSize) {
                return scanned;
            }
            lower = new TablePlan.Bound(last, false);
        }
    }

    /**
     * Compares a table without a usable key as a multiset of row fingerprints.
     *
     * @return the number of source rows compared
     */
    long compareWhole(Connection source, Connection target, TablePlan plan, DiffSink sink)
            throws SQLException, InterruptedException
    {
        byte[][] sourcePrints = fingerprints(source, plan, plan.all(TablePlan.Side.SOURCE));
        byte[][] targetPrints = fingerprints(target, plan, plan.all(TablePlan.Side.TARGET));
        Arrays.sort(sourcePrints, Arrays::compareUnsigned);
        Arrays.sort(targetPrints, Arrays::compareUnsigned);
        int onlySource = 0;
        int onlyTarget = 0;
        int s = 0;
        int t = 0;
        while (s < sourcePrints.length || t < targetPrints.length) {
            int order = s == sourcePrints.length ? 1 : t == targetPrints.length ? -1 : Arrays.compareUnsigned(sourcePrints[s], targetPrints[t]);
            if (order == 0) {
                s++;
                t++;
            }
            else if (order < 0) {
                onlySource++;
                s++;
            }
            else {
                onlyTarget++;
                t++;
            }
        }
        if (onlySource > 0 || onlyTarget > 0) {
            sink.tableDiffers(plan.source(), onlySource + " source and " + onlyTarget
                    + " target rows have no identical counterpart (compared whole: the table has no usable key)");
        }
        return sourcePrints.length;
    }

    private byte[][] fingerprints(Connection connection, TablePlan plan, Query query)
            throws SQLException, InterruptedException
    {
        int columns = plan.selectColumns().size();
        int[] compared = plan.comparedInSelect();
        boolean[] snappy = plan.snappy();
        List<byte[]> prints = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            query.bind(statement);
            statement.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet result = statement.executeQuery()) {
                byte[][] values = new byte[columns][];
                Row row = Row.wrap(values);
                while (result.next()) {
                    for (int i = 0; i < columns; i++) {
                        values[i] = result.getBytes(i + 1);
                    }
                    prints.add(fingerprinter.fingerprint(row, compared, snappy));
                    if ((prints.size() & 0x3fff) == 0 && Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
        }
        return prints.toArray(new byte[0][]);
    }

    private boolean sameRow(TablePlan plan, Row source, int[] sourceCompared, Row target, int[] targetCompared)
    {
        return Fingerprinter.sameValues(source, sourceCompared, target, targetCompared, plan.snappy());
    }

    private static void report(TablePlan plan, Row row, int[] keyPositions, DiffSink sink)
    {
        Key key = plan.keyOf(row, keyPositions);
        if (key == null) {
            sink.tableDiffers(plan.source(), "a row with a NULL key column differs");
        }
        else {
            sink.differs(plan.source(), key);
        }
    }

    private record RawKey(byte[][] parts)
    {
        static RawKey of(Row row, int[] positions)
        {
            byte[][] parts = new byte[positions.length][];
            for (int i = 0; i < positions.length; i++) {
                parts[i] = row.get(positions[i]);
            }
            return new RawKey(parts);
        }

        @Override
        public boolean equals(Object o)
        {
            return o instanceof RawKey other && Arrays.deepEquals(parts, other.parts);
        }

        @Override
        public int hashCode()
        {
            return Arrays.deepHashCode(parts);
        }
    }
}
