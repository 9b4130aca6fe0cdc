package dev.ferry.runtime.core;

import dev.ferry.api.model.TableName;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@code in-ferry} lock strategy: one read-write lock per table. Copy workers hold a table's
 * read lock from before they read a batch until it is written (several ranges of one table copy
 * at once); the binlog applier holds the write lock of every table in a batch while applying
 * it. So a batch read by the copy can never be written after a newer change to the same rows was
 * applied. Locks are taken in table-name order to rule out deadlocks.
 */
public final class TableLocks
{
    private final Map<TableName, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

    private ReentrantReadWriteLock lock(TableName table)
    {
        return locks.computeIfAbsent(table, ignored -> new ReentrantReadWriteLock(true));
    }

    public void lockForCopy(TableName table)
    {
        lock(table).readLock().lock();
    }

    public void unlockForCopy(TableName table)
    {
        lock(table).readLock().unlock();
    }

    /**
     * Takes the write locks of {@code tables} in name order; returns what to pass to {@link #unlockForApply}.
     */
    public List<TableName> lockForApply(Collection<TableName> tables)
    {
        List<TableName> ordered = List.copyOf(new TreeSet<>(tables));
        for (TableName table : ordered) {
            lock(table).writeLock().lock();
        }
        return ordered;
    }

    public void unlockForApply(List<TableName> locked)
    {
        for (int i = locked.size() - 1; i >= 0; i--) {
            lock(locked.get(i)).writeLock().unlock();
        }
    }

    /**
     * Exclusive access to one table, for full-copy tables read in one go.
     */
    public void lockExclusive(TableName table)
    {
        lock(table).writeLock().lock();
    }

    public void unlockExclusive(TableName table)
    {
        lock(table).writeLock().unlock();
    }
}
