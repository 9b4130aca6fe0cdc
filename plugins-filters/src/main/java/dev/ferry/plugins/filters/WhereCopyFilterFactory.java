package dev.ferry.plugins.filters;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.CopyFilterFactory;

/**
 * {@code copyFilter.type: where}: moves the rows of each table that satisfy a SQL condition.
 * Keys:
 * <ul>
 * <li>{@code tables}: map of {@code db.table} to a condition, e.g.
 * {@code shop.orders: "tenant_id = 7 AND deleted_at IS NULL"}</li>
 * <li>{@code default}: the condition of every table not in {@code tables}; without it, those
 * tables are moved whole</li>
 * <li>{@code cacheSize}: answers kept per cache of source lookups, default 10000</li>
 * </ul>
 * At least one of {@code tables} and {@code default} is required. Conditions accept comparisons
 * between a column and a literal ({@code = <> != < <= > >=}), {@code [NOT] IN},
 * {@code [NOT] BETWEEN}, {@code IS [NOT] NULL}, {@code AND}, {@code OR}, {@code NOT} and
 * parentheses; literals are integers, exact decimals, 'strings' and NULL. Anything else is
 * refused when the config is validated. Strings compare like the server: byte-wise under binary
 * collations, by the column's collation (asked of the source, cached) for {@code =}/{@code IN}
 * under others, where ordering comparisons are refused.
 */
public final class WhereCopyFilterFactory
        implements CopyFilterFactory
{
    @Override
    public String name()
    {
        return "where";
    }

    @Override
    public String description()
    {
        return "moves the rows of each table that satisfy a SQL condition (column-to-literal comparisons, IN, BETWEEN, IS NULL, AND/OR/NOT)";
    }

    @Override
    public CopyFilter create(PluginConfig config, PluginContext context)
    {
        WhereConfig bound = WhereConfig.bind(config);
        return new WhereCopyFilter(bound, config.path(), context.logger(WhereCopyFilter.class), SourceQuery.factory(context::source));
    }
}
