package dev.ferry.runtime.schema;

import dev.ferry.api.model.TableName;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The renames and drops that replicated DDL applied to the target, in binlog order, so that a
 * copy can tell where the table it copies went: a table is followed by identity, not by name.
 * After {@code RENAME TABLE a TO tmp, b TO a, tmp TO b} the table the copy knew as {@code a} is
 * {@code b}, and the name {@code a} belongs to another table. A name's fate is asked relative to
 * a {@link #version()}: the changes recorded since the name was known to be right.
 * <p>
 * Thread-safe: the binlog applier records, copy workers and checkpoints ask.
 */
public final class TableRenames
{
    private final List<Change> changes = new ArrayList<>();
    private volatile int version;
    private volatile Map<TableName, TableName> pending = Map.of();

    /**
     * The renames of the statement about to run on the target, until it is {@linkplain #record
     * recorded} or {@linkplain #abandon abandoned}: the state saved right before it must let a
     * resume copy the renamed tables whether or not the target ran it.
     */
    public void expect(Map<TableName, TableName> renames)
    {
        pending = Map.copyOf(requireNonNull(renames, "renames is null"));
    }

    /**
     * The statement announced with {@link #expect} did not run.
     */
    public void abandon()
    {
        pending = Map.of();
    }

    /**
     * The renames announced with {@link #expect} and not recorded yet; usually empty.
     */
    public Map<TableName, TableName> pending()
    {
        return pending;
    }

    /**
     * Records one statement's effect: {@code renames} by net effect (name before to name after),
     * {@code dropped} the tables it dropped (a renamed table's old name may be listed too; the
     * rename wins), {@code databasesDropped} the databases dropped with all their tables.
     */
    public synchronized void record(Map<TableName, TableName> renames, Collection<TableName> dropped, Collection<String> databasesDropped)
    {
        requireNonNull(renames, "renames is null");
        requireNonNull(dropped, "dropped is null");
        requireNonNull(databasesDropped, "databasesDropped is null");
        pending = Map.of();
        if (renames.isEmpty() && dropped.isEmpty() && databasesDropped.isEmpty()) {
            return;
        }
        Set<TableName> gone = new HashSet<>(dropped);
        gone.removeAll(renames.keySet());
        changes.add(new Change(Map.copyOf(renames), Set.copyOf(gone), Set.copyOf(databasesDropped)));
        version = changes.size();
    }

    /**
     * How many statements were recorded; a cheap check whether anything changed since a version.
     */
    public int version()
    {
        return version;
    }

    /**
     * What became of the table named {@code name} at version {@code since}.
     */
    public synchronized Fate fate(TableName name, int since)
    {
        requireNonNull(name, "name is null");
        if (since < 0 || since > changes.size()) {
            throw new IllegalArgumentException("version " + since + " is not between 0 and " + changes.size());
        }
        TableName current = name;
        for (int i = since; i < changes.size(); i++) {
            Change change = changes.get(i);
            TableName renamed = change.renames().get(current);
            if (renamed != null) {
                current = renamed;
            }
            else if (change.dropped().contains(current) || change.databasesDropped().contains(current.database())) {
                return new Fate(name, null, changes.size());
            }
        }
        return new Fate(name, current, changes.size());
    }

    /**
     * Where the table once named {@code original} is as of {@code version}: under {@code current},
     * or nowhere ({@code current} null) when it was dropped.
     */
    public record Fate(TableName original, TableName current, int version)
    {
        public Fate
        {
            requireNonNull(original, "original is null");
        }

        public boolean gone()
        {
            return current == null;
        }

        public boolean renamed()
        {
            return current != null && !current.equals(original);
        }
    }

    private record Change(Map<TableName, TableName> renames, Set<TableName> dropped, Set<String> databasesDropped) {}
}
