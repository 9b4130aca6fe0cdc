package dev.ferry.runtime.schema;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.KeyColumns;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.CopyConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Chooses each table's pagination key, in this order: tables listed in
 * {@code copy.fullCopyTables} → {@code copy.paginationColumns} (or the copy filter's choice) →
 * primary key → {@code copy.fallbackColumn}. A key must pass {@link KeyColumns#problems} (the rule
 * the verifiers' {@link KeyColumns#rowKey} shares) and be unique; configured columns that are not
 * unique on their own get the primary key appended as a tie-breaker.
 */
public final class PaginationKeys
{
    private final CopyConfig config;
    private final Optional<CopyFilter> copyFilter;

    public PaginationKeys(CopyConfig config, Optional<CopyFilter> copyFilter)
    {
        this.config = requireNonNull(config, "config is null");
        this.copyFilter = requireNonNull(copyFilter, "copyFilter is null");
    }

    /**
     * The schema with its pagination key chosen.
     *
     * @throws SchemaException naming the table and the option that fixes it
     */
    public TableSchema choose(TableSchema table)
    {
        TableName name = table.name();
        if (config.fullCopyTables().contains(name)) {
            return table.withPaginationKey(PaginationKey.fullCopy());
        }
        List<String> configured = config.paginationColumns().get(name);
        String source = "copy.paginationColumns";
        if (configured == null && copyFilter.isPresent()) {
            Optional<List<String>> fromFilter = copyFilter.get().paginationColumns(table);
            if (fromFilter.isPresent()) {
                configured = fromFilter.get();
                source = "copy filter";
            }
        }
        if (configured != null) {
            return table.withPaginationKey(key(table, configured, source));
        }
        Optional<IndexInfo> primary = table.primaryKey();
        String unusablePrimary = null;
        if (primary.isPresent()) {
            List<String> problems = KeyColumns.problems(table, primary.get().columns());
            if (problems.isEmpty()) {
                return table.withPaginationKey(new PaginationKey(columns(table, primary.get().columns()), "primary key"));
            }
            unusablePrimary = " cannot be paginated by its primary key (" + String.join("; ", problems) + ")";
            if (config.fallbackColumn() == null) {
                throw new SchemaException("table " + name + unusablePrimary
                        + ": set copy.paginationColumns for it, set copy.fallbackColumn, or list it in copy.fullCopyTables");
            }
        }
        if (config.fallbackColumn() != null && table.column(config.fallbackColumn()).isPresent()) {
            return table.withPaginationKey(key(table, List.of(config.fallbackColumn()), "copy.fallbackColumn"));
        }
        // a table whose primary key cannot paginate must not be reported as having none
        throw new SchemaException("table " + name + (unusablePrimary == null ? " has no primary key" : unusablePrimary)
                + (config.fallbackColumn() == null ? "" : " and no column " + config.fallbackColumn() + " (copy.fallbackColumn)")
                + ": set copy.paginationColumns for it, or list it in copy.fullCopyTables (copied whole under a lock; only for small tables)");
    }

    private static PaginationKey key(TableSchema table, List<String> columns, String source)
    {
        for (String column : columns) {
            if (table.column(column).isEmpty()) {
                throw new SchemaException("table " + table.name() + " has no column " + column + " (" + source + ")");
            }
        }
        List<String> problems = KeyColumns.problems(table, columns);
        if (!problems.isEmpty()) {
            throw new SchemaException("table " + table.name() + " cannot be paginated by " + columns + " (" + source + "): " + String.join("; ", problems));
        }
        List<String> keyColumns = new ArrayList<>(columns);
        if (!isUnique(table, columns)) {
            Optional<IndexInfo> primary = table.primaryKey();
            if (primary.isEmpty() || !KeyColumns.problems(table, primary.get().columns()).isEmpty()) {
                throw new SchemaException("table " + table.name() + ": columns " + columns + " (" + source
                        + ") are not unique and the table has no usable primary key to break ties; choose unique columns");
            }
            for (String column : primary.get().columns()) {
                if (!containsIgnoreCase(keyColumns, column)) {
                    keyColumns.add(column);
                }
            }
        }
        return new PaginationKey(columns(table, keyColumns), source);
    }

    private static boolean isUnique(TableSchema table, List<String> columns)
    {
        for (IndexInfo index : table.indexes()) {
            if (index.unique() && columnsCover(columns, index.columns())) {
                return true;
            }
        }
        return false;
    }

    private static boolean columnsCover(List<String> columns, List<String> indexColumns)
    {
        for (String indexColumn : indexColumns) {
            if (!containsIgnoreCase(columns, indexColumn)) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(List<String> names, String name)
    {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String candidate : names) {
            if (candidate.toLowerCase(Locale.ROOT).equals(lower)) {
                return true;
            }
        }
        return false;
    }

    private static List<Column> columns(TableSchema table, List<String> names)
    {
        List<Column> result = new ArrayList<>();
        for (String name : names) {
            result.add(table.column(name).orElseThrow());
        }
        return result;
    }
}
