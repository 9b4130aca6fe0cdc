package dev.ferry.plugins.filters;

import dev.ferry.api.FerryException;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Moves the rows of each table for which its condition is TRUE: the condition is added to the
 * copy SELECT with its literals as bound parameters, and evaluated by ferry on every binlog row
 * image with the server's semantics (see {@link RowCondition} for the accepted SQL,
 * {@link CompiledCondition} for NULL handling and {@link ColumnValues} for how values compare).
 * Tables with neither their own condition nor a default are moved whole.
 *
 * <p>Thread-safe.
 */
final class WhereCopyFilter
        implements CopyFilter
{
    private final WhereConfig config;
    private final String path;
    private final System.Logger logger;
    private final CachedLookup.QueryFactory queries;
    private final Map<TableName, CompiledCondition> compiled = new ConcurrentHashMap<>();

    WhereCopyFilter(WhereConfig config, String path, System.Logger logger, CachedLookup.QueryFactory queries)
    {
        this.config = requireNonNull(config, "config is null");
        this.path = requireNonNull(path, "path is null");
        this.logger = requireNonNull(logger, "logger is null");
        this.queries = requireNonNull(queries, "queries is null");
    }

    @Override
    public List<String> check(List<TableSchema> tables)
    {
        List<String> problems = new ArrayList<>();
        Set<TableName> names = new HashSet<>();
        List<TableName> whole = new ArrayList<>();
        for (TableSchema table : tables) {
            names.add(table.name());
            Optional<RowCondition> condition = config.condition(table.name());
            if (condition.isEmpty()) {
                whole.add(table.name());
                continue;
            }
            List<String> found = new ArrayList<>();
            CompiledCondition bound = CompiledCondition.compile(condition.get(), table, queries, config.cacheSize(), found);
            for (String problem : found) {
                problems.add(key(table.name()) + ": " + problem);
            }
            if (bound != null) {
                compiled.put(table.name(), bound);
            }
        }
        for (TableName table : config.tables().keySet()) {
            if (!names.contains(table)) {
                // a misspelt name would otherwise leave the real table unfiltered
                problems.add(path + ".tables." + table + ": table " + table + " is not among the moved tables: check its name and the table filter (tableFilter)");
            }
        }
        if (!whole.isEmpty()) {
            logger.log(System.Logger.Level.INFO, "copy filter: " + whole.size() + " tables have no condition (" + path + ".tables, "
                    + path + ".default) and are moved whole: " + whole);
        }
        return problems;
    }

    @Override
    public Optional<SqlPredicate> copyPredicate(TableSchema table)
    {
        return config.condition(table.name()).map(RowCondition::predicate);
    }

    @Override
    public boolean matches(TableSchema table, Row row)
    {
        CompiledCondition condition = compiled.get(table.name());
        if (condition == null || condition.table() != table) {
            condition = recompile(table);
            if (condition == null) {
                return true;
            }
        }
        return condition.matches(row);
    }

    /**
     * Binds the table's condition to a schema not seen before: a table created after the start,
     * or a new structure after DDL.
     */
    private CompiledCondition recompile(TableSchema table)
    {
        Optional<RowCondition> condition = config.condition(table.name());
        if (condition.isEmpty()) {
            return null;
        }
        CompiledCondition current = compiled.get(table.name());
        if (current != null && current.table().columns().equals(table.columns())) {
            CompiledCondition rebound = current.withTable(table);
            compiled.put(table.name(), rebound);
            return rebound;
        }
        List<String> problems = new ArrayList<>();
        CompiledCondition bound = CompiledCondition.compile(condition.get(), table, queries, config.cacheSize(), problems);
        if (bound == null) {
            throw new FerryException(key(table.name()) + ": the condition no longer fits table " + table.name()
                    + " (after a schema change?): " + String.join("; ", problems));
        }
        compiled.put(table.name(), bound);
        return bound;
    }

    private String key(TableName table)
    {
        return config.tables().containsKey(table) ? path + ".tables." + table : path + ".default (table " + table + ")";
    }
}
