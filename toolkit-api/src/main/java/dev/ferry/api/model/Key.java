package dev.ferry.api.model;

import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * A key tuple: the values of a (possibly composite) key's columns in key order. Compared
 * lexicographically, which matches SQL row-value comparison for integer and binary parts.
 */
public record Key(List<KeyValue> values)
        implements Comparable<Key>
{
    public Key
    {
        values = List.copyOf(requireNonNull(values, "values is null"));
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a key has at least one value");
        }
    }

    public static Key of(KeyValue... values)
    {
        return new Key(List.of(values));
    }

    public int size()
    {
        return values.size();
    }

    public KeyValue get(int index)
    {
        return values.get(index);
    }

    @Override
    public int compareTo(Key other)
    {
        int n = Math.min(values.size(), other.values.size());
        for (int i = 0; i < n; i++) {
            int result = values.get(i).compareTo(other.values.get(i));
            if (result != 0) {
                return result;
            }
        }
        return Integer.compare(values.size(), other.values.size());
    }

    @Override
    public String toString()
    {
        return values.stream().map(KeyValue::text).collect(Collectors.joining(", ", "(", ")"));
    }
}
