package dev.ferry.runtime.schema;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.CopyConfig;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Finds the source tables to move: databases and tables the table filter accepts, each with its
 * schema and chosen pagination key. Every table that cannot be handled is reported at once.
 */
public final class TableDiscovery
{
    private final SchemaLoader loader;
    private final TableFilter tableFilter;
    private final PaginationKeys paginationKeys;
    private final Optional<CopyFilter> copyFilter;

    public TableDiscovery(SchemaLoader loader, TableFilter tableFilter, CopyConfig copy, Optional<CopyFilter> copyFilter)
    {
        this.loader = requireNonNull(loader, "loader is null");
        this.tableFilter = requireNonNull(tableFilter, "tableFilter is null");
        this.copyFilter = requireNonNull(copyFilter, "copyFilter is null");
        this.paginationKeys = new PaginationKeys(copy, copyFilter);
    }

    public List<TableSchema> discover()
            throws SQLException
    {
        List<TableSchema> tables = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String database : loader.databases()) {
            if (!tableFilter.acceptsDatabase(database)) {
                continue;
            }
            Map<TableName, TableSchema> schemas = null;
            for (TableName name : loader.tables(database)) {
                if (!tableFilter.acceptsTable(name)) {
                    continue;
                }
                if (schemas == null) {
                    // the whole database in three queries, read once one of its tables is moved
                    schemas = loader.loadAll(database);
                }
                TableSchema schema = schemas.get(name);
                if (schema == null) {
                    // created after the database's schemas were read, or dropped since
                    schema = loader.load(name).orElse(null);
                    if (schema == null) {
                        continue;
                    }
                }
                try {
                    tables.add(paginationKeys.choose(schema));
                }
                catch (SchemaException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (copyFilter.isPresent()) {
            problems.addAll(copyFilter.get().check(tables));
        }
        if (!problems.isEmpty()) {
            throw new SchemaException(problems.size() == 1 ? problems.get(0) : problems.size() + " tables cannot be moved:\n  - " + String.join("\n  - ", problems));
        }
        return tables;
    }

    /**
     * Loads one table (e.g. created after the start) with its pagination key, or empty when it
     * does not exist or the table filter rejects it.
     */
    public Optional<TableSchema> load(TableName name)
            throws SQLException
    {
        if (!tableFilter.acceptsTable(name)) {
            return Optional.empty();
        }
        Optional<TableSchema> schema = loader.load(name);
        return schema.map(paginationKeys::choose);
    }
}
