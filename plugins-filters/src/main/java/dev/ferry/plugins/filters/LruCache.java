package dev.ferry.plugins.filters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small bounded map that evicts the least recently used entry; every method is synchronized.
 * Plugins depend on the SPI alone, so this stands in for a caching library.
 */
final class LruCache<K, V>
{
    private final int capacity;
    private final LinkedHashMap<K, V> entries;

    LruCache(int capacity)
    {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive (got " + capacity + ")");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest)
            {
                return size() > LruCache.this.capacity;
            }
        };
    }

    synchronized V get(K key)
    {
        return entries.get(key);
    }

    synchronized void put(K key, V value)
    {
        entries.put(key, value);
    }

    synchronized void remove(K key)
    {
        entries.remove(key);
    }

    synchronized int size()
    {
        return entries.size();
    }
}
