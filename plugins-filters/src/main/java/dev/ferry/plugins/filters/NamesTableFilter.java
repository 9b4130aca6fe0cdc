package dev.ferry.plugins.filters;

import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.model.TableName;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Accepts tables by database and table name patterns. A table is accepted when its database
 * matches an included database pattern and no excluded one, and its {@code db.table} name matches
 * an included table pattern (or there are none) and no excluded table pattern.
 */
final class NamesTableFilter
        implements TableFilter
{
    /**
     * System schemas are never moved, whatever the patterns say.
     */
    private static final List<String> SYSTEM_DATABASES = List.of("mysql", "information_schema", "performance_schema", "sys");

    private final List<Glob> includeDatabases;
    private final List<Glob> excludeDatabases;
    private final List<Glob> includeTables;
    private final List<Glob> excludeTables;

    NamesTableFilter(List<Glob> includeDatabases, List<Glob> excludeDatabases, List<Glob> includeTables, List<Glob> excludeTables)
    {
        this.includeDatabases = List.copyOf(requireNonNull(includeDatabases, "includeDatabases is null"));
        this.excludeDatabases = List.copyOf(requireNonNull(excludeDatabases, "excludeDatabases is null"));
        this.includeTables = List.copyOf(requireNonNull(includeTables, "includeTables is null"));
        this.excludeTables = List.copyOf(requireNonNull(excludeTables, "excludeTables is null"));
    }

    @Override
    public boolean acceptsDatabase(String database)
    {
        if (SYSTEM_DATABASES.contains(database)) {
            return false;
        }
        return anyMatches(includeDatabases, database) && !anyMatches(excludeDatabases, database);
    }

    @Override
    public boolean acceptsTable(TableName table)
    {
        if (!acceptsDatabase(table.database())) {
            return false;
        }
        String qualified = table.database() + "." + table.table();
        return (includeTables.isEmpty() || anyMatches(includeTables, qualified)) && !anyMatches(excludeTables, qualified);
    }

    private static boolean anyMatches(List<Glob> globs, String name)
    {
        for (Glob glob : globs) {
            if (glob.matches(name)) {
                return true;
            }
        }
        return false;
    }
}
