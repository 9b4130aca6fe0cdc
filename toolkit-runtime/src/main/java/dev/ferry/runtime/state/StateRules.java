package dev.ferry.runtime.state;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;

import java.util.List;

import static dev.ferry.runtime.state.StateCodec.echo;

/**
 * The rules for a table's copy progress that encoding and decoding share: every key of a table
 * has the same shape, and a range's bounds and cursor are in order wherever that order is certain.
 */
final class StateRules
{
    private static final int UNKNOWN = Integer.MIN_VALUE;

    private StateRules() {}

    static void checkTable(String path, TableCopyState table, List<String> problems)
    {
        if (table.rowsCopied() < 0) {
            problems.add(path + ".rowsCopied: must be a whole number >= 0 (got " + table.rowsCopied() + ")");
        }
        Key model = null;
        String modelPath = null;
        List<RangeState> ranges = table.ranges();
        for (int i = 0; i < ranges.size(); i++) {
            RangeState range = ranges.get(i);
            String rangePath = path + ".ranges[" + i + "]";
            Key[] keys = {range.low(), range.high(), range.cursor()};
            String[] names = {"low", "high", "cursor"};
            boolean shapesAgree = true;
            for (int k = 0; k < keys.length; k++) {
                if (keys[k] == null) {
                    continue;
                }
                if (model == null) {
                    model = keys[k];
                    modelPath = rangePath + "." + names[k];
                }
                else if (!sameShape(model, keys[k])) {
                    problems.add(rangePath + "." + names[k] + ": " + shape(keys[k]) + " does not match " + modelPath
                            + " (" + shape(model) + "): every key of a table has the same columns");
                    shapesAgree = false;
                }
            }
            if (shapesAgree) {
                checkRange(rangePath, range, problems);
            }
        }
    }

    private static void checkRange(String path, RangeState range, List<String> problems)
    {
        Key low = range.low();
        Key high = range.high();
        Key cursor = range.cursor();
        if (low != null && high != null && isCertain(order(low, high)) && order(low, high) >= 0) {
            problems.add(path + ": low " + echo(low.toString()) + " must be below high " + echo(high.toString())
                    + " (a range holds the keys k with low < k <= high)");
        }
        if (cursor != null && low != null && isCertain(order(cursor, low)) && order(cursor, low) <= 0) {
            problems.add(path + ".cursor: " + echo(cursor.toString()) + " lies outside its range: it must be above low " + echo(low.toString()));
        }
        if (cursor != null && high != null && isCertain(order(cursor, high)) && order(cursor, high) > 0) {
            problems.add(path + ".cursor: " + echo(cursor.toString()) + " lies outside its range: it must not be above high " + echo(high.toString()));
        }
    }

    /**
     * -1, 0 or 1 when the order of two keys is certain; {@link #UNKNOWN} when it is decided by a
     * text value, which the server orders by its collation, or by values of different kinds. Only
     * certain orders are held against a document, so a collation never makes a valid state refused.
     */
    private static int order(Key a, Key b)
    {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            KeyValue x = a.get(i);
            KeyValue y = b.get(i);
            if (family(x) != family(y)) {
                return UNKNOWN;
            }
            if (x instanceof KeyValue.Text) {
                if (x.equals(y)) {
                    continue;
                }
                return UNKNOWN;
            }
            int result = x.compareTo(y);
            if (result != 0) {
                return Integer.signum(result);
            }
        }
        return a.size() == b.size() ? 0 : UNKNOWN;
    }

    private static boolean isCertain(int order)
    {
        return order != UNKNOWN;
    }

    private static boolean sameShape(Key a, Key b)
    {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (family(a.get(i)) != family(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String shape(Key key)
    {
        StringBuilder text = new StringBuilder().append(key.size()).append(key.size() == 1 ? " value (" : " values (");
        for (int i = 0; i < key.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(new String[] {"integer", "text", "bytes"}[family(key.get(i))]);
        }
        return text.append(')').toString();
    }

    private static int family(KeyValue value)
    {
        if (value instanceof KeyValue.Text) {
            return 1;
        }
        return value instanceof KeyValue.Bytes ? 2 : 0;
    }
}
