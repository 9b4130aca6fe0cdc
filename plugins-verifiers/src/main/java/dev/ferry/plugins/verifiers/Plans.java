package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The current {@link TablePlan} of every table, rebuilt when a table's schema changes.
 * Thread-safe.
 */
final class Plans
{
    // no such table, unknown column, table definition changed
    private static final Set<Integer> SCHEMA_CHANGED = Set.of(1146, 1054, 1412);

    private final PluginContext context;
    private final ComparisonConfig config;
    private final ConcurrentHashMap<TableName, TablePlan> plans = new ConcurrentHashMap<>();

    Plans(PluginContext context, ComparisonConfig config)
    {
        this.context = requireNonNull(context, "context is null");
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * The plan for {@code schema}, cached while the table's structure stays the same.
     */
    TablePlan of(TableSchema schema)
    {
        TablePlan plan = plans.get(schema.name());
        if (plan != null) {
            if (plan.builtFor(schema)) {
                return plan;
            }
            if (sameStructure(plan.schema(), schema)) {
                plan.seen(schema);
                return plan;
            }
        }
        plan = build(schema);
        plans.put(schema.name(), plan);
        return plan;
    }

    /**
     * The plan for the table as ferry currently knows it; empty when it is no longer copied.
     */
    Optional<TablePlan> current(TableName table)
    {
        return context.sourceTable(table).map(this::of);
    }

    /**
     * Whether a failed read of {@code plan}'s table means its structure changed under the read:
     * the applier replicated a DDL since the plan was made, or the source already has a DDL (a
     * dropped table or column) that the applier has not reached yet.
     */
    boolean changedUnder(TablePlan plan, SQLException failure)
    {
        return current(plan.source()).orElse(null) != plan || SCHEMA_CHANGED.contains(failure.getErrorCode());
    }

    /**
     * Plans of every copied table, sorted by name.
     */
    List<TablePlan> all()
    {
        List<TablePlan> result = new ArrayList<>();
        for (TableSchema schema : context.sourceTables()) {
            result.add(of(schema));
        }
        result.sort((a, b) -> a.source().compareTo(b.source()));
        return result;
    }

    /**
     * Forgets the table's plan; returns the old one, if any.
     */
    Optional<TablePlan> invalidate(TableName table)
    {
        return Optional.ofNullable(plans.remove(table));
    }

    /**
     * Checks the configured ignored and compressed columns against the tables: every problem,
     * each naming its config key.
     */
    List<String> problems()
    {
        List<String> problems = new ArrayList<>();
        check(problems, "ignoredColumns", config.ignoredColumns());
        Map<TableName, List<String>> compressed = new java.util.LinkedHashMap<>();
        config.compressedColumns().forEach((table, columns) -> compressed.put(table, List.copyOf(columns.keySet())));
        check(problems, "compressedColumns", compressed);
        return problems;
    }

    private void check(List<String> problems, String key, Map<TableName, List<String>> columnsByTable)
    {
        for (Map.Entry<TableName, List<String>> entry : columnsByTable.entrySet()) {
            TableName table = entry.getKey();
            Optional<TableSchema> schema = context.sourceTable(table);
            if (schema.isEmpty()) {
                context.logger(Plans.class).log(System.Logger.Level.WARNING,
                        "{0}.{1}.{2}: table {2} is not among the copied tables; ignored", config.path(), key, table);
                continue;
            }
            for (String column : entry.getValue()) {
                if (schema.get().column(column).isEmpty()) {
                    problems.add(config.path() + "." + key + "." + table + ": table " + table + " has no column \"" + column + "\"");
                }
            }
        }
    }

    private TablePlan build(TableSchema schema)
    {
        TableName name = schema.name();
        Optional<SqlPredicate> predicate = context.copyFilter().flatMap(filter -> filter.copyPredicate(schema));
        return new TablePlan(schema, context.targetName(name),
                config.ignoredColumns().getOrDefault(name, List.of()),
                config.compressedColumns().getOrDefault(name, Map.of()),
                predicate);
    }

    private static boolean sameStructure(TableSchema a, TableSchema b)
    {
        return a.fingerprint().equals(b.fingerprint()) && a.paginationKey().equals(b.paginationKey()) && a.columns().equals(b.columns());
    }
}
