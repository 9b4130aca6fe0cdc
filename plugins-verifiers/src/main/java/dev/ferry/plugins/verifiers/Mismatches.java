package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.TableName;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.VerificationResult.TableMismatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Collects final differences per table, keeping the smallest {@code maxReportedKeys} keys of each.
 * Thread-safe.
 */
final class Mismatches
        implements DiffSink
{
    private final int maxReportedKeys;
    private final Map<TableName, Entry> tables = new TreeMap<>();

    private static final class Entry
    {
        long rows;
        final TreeSet<Key> keys = new TreeSet<>();
        final List<String> reasons = new ArrayList<>();
    }

    Mismatches(int maxReportedKeys)
    {
        this.maxReportedKeys = maxReportedKeys;
    }

    @Override
    public synchronized void differs(TableName table, Key key)
    {
        Entry entry = tables.computeIfAbsent(table, ignored -> new Entry());
        entry.rows++;
        if (maxReportedKeys > 0) {
            entry.keys.add(key);
            if (entry.keys.size() > maxReportedKeys) {
                entry.keys.pollLast();
            }
        }
    }

    @Override
    public synchronized void tableDiffers(TableName table, String reason)
    {
        tables.computeIfAbsent(table, ignored -> new Entry()).reasons.add(reason);
    }

    synchronized boolean isEmpty()
    {
        return tables.isEmpty();
    }

    /**
     * MISMATCH listing every differing table, or MATCH with {@code matchMessage}.
     */
    synchronized VerificationResult result(String matchMessage)
    {
        if (tables.isEmpty()) {
            return VerificationResult.match(matchMessage);
        }
        List<TableMismatch> mismatches = new ArrayList<>(tables.size());
        for (Map.Entry<TableName, Entry> each : tables.entrySet()) {
            Entry entry = each.getValue();
            List<String> reasons = new ArrayList<>();
            if (entry.rows > 0) {
                reasons.add(entry.rows + (entry.rows == 1 ? " row differs" : " rows differ"));
            }
            reasons.addAll(entry.reasons);
            mismatches.add(new TableMismatch(each.getKey(), new ArrayList<>(entry.keys), String.join("; ", reasons)));
        }
        return VerificationResult.mismatch(mismatches);
    }
}
