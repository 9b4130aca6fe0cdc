package dev.ferry.plugins.filters;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.CopyFilterFactory;

/**
 * {@code copyFilter.type: sharding}: moves the rows of some tenants. Keys:
 * <ul>
 * <li>{@code shardingKey}: the column holding the tenant, e.g. {@code tenant_id} (required)</li>
 * <li>{@code values}: the tenants to move, e.g. {@code [7]} (required). Numbers for a numeric
 * sharding key, compared numerically; strings for a text one, compared as the server compares
 * them: under the column's collation, so {@code acme} also moves {@code ACME} under a {@code _ci}
 * collation and not under a {@code _bin} one</li>
 * <li>{@code joinedTables}: map of {@code db.table} to {@code {joinColumn, through, throughColumn}}
 * for tables without the sharding key: the rows whose {@code joinColumn} is in
 * {@code SELECT throughColumn FROM through WHERE shardingKey IN (values)}; {@code through} is
 * {@code db.table} or a table of the same database</li>
 * <li>{@code primaryKeyTables}: {@code db.table} names moved whole (shared reference data)</li>
 * <li>{@code cacheSize}: answers kept per cache of source lookups, default 10000</li>
 * </ul>
 * Every moved table must have the sharding key or be listed in {@code joinedTables} or
 * {@code primaryKeyTables}; the run refuses to start otherwise.
 */
public final class ShardingCopyFilterFactory
        implements CopyFilterFactory
{
    @Override
    public String name()
    {
        return "sharding";
    }

    @Override
    public String description()
    {
        return "moves the rows of some tenants (shardingKey IN values), joined tables through their parent, primaryKeyTables whole";
    }

    @Override
    public CopyFilter create(PluginConfig config, PluginContext context)
    {
        ShardingConfig bound = ShardingConfig.bind(config);
        return new ShardingCopyFilter(bound, config.path(), context, SourceQuery.factory(context::source));
    }
}
