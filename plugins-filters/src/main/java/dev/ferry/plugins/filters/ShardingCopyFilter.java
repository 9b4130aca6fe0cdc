package dev.ferry.plugins.filters;

import dev.ferry.api.FerryException;
import dev.ferry.api.PluginContext;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Moves the rows of some tenants: every table is covered by exactly one rule.
 * <ul>
 * <li>A table listed in {@code primaryKeyTables} is moved whole (reference data such as
 * countries).</li>
 * <li>A table listed in {@code joinedTables} moves the rows whose join column is in
 * {@code SELECT throughColumn FROM through WHERE shardingKey IN (values)}.</li>
 * <li>Any other table with the sharding key column moves the rows whose sharding key is one of
 * the values.</li>
 * </ul>
 * {@link #check} reports every other table, so that no table is moved unfiltered by mistake.
 *
 * <p>Sharding values are typed by the sharding key column: numbers for integer and DECIMAL columns
 * (compared numerically: {@code 7} matches {@code 7} and {@code 7.0}), strings for text columns,
 * compared as {@link ColumnValues} describes: byte-wise under a binary collation, else by the
 * column's collation exactly as the copy SELECT does (so {@code acme} also moves {@code ACME}
 * under a {@code _ci} collation), asking the source for values whose bytes differ and caching the
 * answer.
 *
 * <h2>Joined tables and their parents</h2>
 * A binlog row image of a joined table carries only its join value, so {@link #matches} must
 * learn whether that parent belongs to the tenants. It keeps the answers in a bounded cache of
 * {@code cacheSize} entries per through table, filled two ways:
 * <ul>
 * <li>from the through table's own binlog images, when the table filter moves it: the runtime
 * judges events in binlog order, so a parent inserted, moved or deleted before its children's
 * events is known exactly as of those events (the image of a deleted parent still tells whose it
 * was, so its children's deletes are applied or skipped correctly);</li>
 * <li>otherwise by asking the source {@code SELECT shardingKey IN (values) FROM through WHERE
 * throughColumn = ?}. The source may be ahead of the event (or, briefly, behind it: binlog events
 * can be read before their transaction is visible), so a parent changed later answers with its
 * later state. A parent that no longer exists counts as the tenants': deleting a row that is not
 * on the target does nothing, so the deletes of the children of a deleted parent are applied
 * whichever tenant it had. The price: a child inserted for a parent that has disappeared by the
 * time ferry applies the insert is copied until its own delete arrives, and stays if it is never
 * deleted (an orphan).</li>
 * </ul>
 * The runtime judges both images of an update: a child whose join column moves it from a tenant
 * parent to another tenant's parent is deleted on the target, one moving the other way is
 * upserted, so changes of the child itself are always followed. A parent that moves to another
 * tenant (or joins this one) does not take its existing children along: no binlog event touches
 * them, so they stay on the target (or stay missing) until they change themselves. Like
 * Ghostferry, this filter assumes a parent row keeps its tenant while the move runs; the verifier
 * reports children that did not follow.
 *
 * <p>Thread-safe.
 */
final class ShardingCopyFilter
        implements CopyFilter
{
    private static final SqlPredicate NOTHING = new SqlPredicate("FALSE", List.of());

    private enum Kind
    {
        WHOLE, SHARDED, JOINED, NONE
    }

    /**
     * What the filter does with one table, bound to one structure of it.
     *
     * @param joinParameter for a joined table: its join value as the lookup binds it
     * @param parents for a table others join through: where each of its row images tells a
     *        joined table's lookup whether a parent belongs to the tenants; null for other tables
     */
    private record Rule(TableSchema table, Kind kind, CompiledCondition condition, SqlPredicate predicate, int joinIndex,
            Function<byte[], Object> joinParameter, ThroughLookup lookup, ParentLink[] parents)
    {
        Rule withTable(TableSchema sameColumns)
        {
            return new Rule(sameColumns, kind, condition, predicate, joinIndex, joinParameter, lookup, parents);
        }
    }

    /**
     * A through table's side of a join: the position of the joined column in its rows, and
     * whether a row belongs to the tenants.
     */
    private record ParentLink(CachedLookup cache, int keyIndex, CompiledCondition inTenants) {}

    /**
     * The question asked for a joined table's rows, shared by every table joining the same
     * through table column.
     */
    private record ThroughLookup(TableName through, String throughColumn, SqlPredicate subquery, CachedLookup cache) {}

    private final ShardingConfig config;
    private final String path;
    private final PluginContext context;
    private final System.Logger logger;
    private final CachedLookup.QueryFactory queries;
    private final Map<TableName, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, ThroughLookup> lookups = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    ShardingCopyFilter(ShardingConfig config, String path, PluginContext context, CachedLookup.QueryFactory queries)
    {
        this.config = requireNonNull(config, "config is null");
        this.path = requireNonNull(path, "path is null");
        this.context = requireNonNull(context, "context is null");
        this.logger = context.logger(ShardingCopyFilter.class);
        this.queries = requireNonNull(queries, "queries is null");
    }

    @Override
    public List<String> check(List<TableSchema> tables)
    {
        List<String> problems = new ArrayList<>();
        Map<TableName, TableSchema> byName = new HashMap<>();
        for (TableSchema table : tables) {
            byName.put(table.name(), table);
        }
        for (TableName table : config.primaryKeyTables()) {
            if (!byName.containsKey(table)) {
                logger.log(System.Logger.Level.WARNING, path + ".primaryKeyTables: table " + table + " is not among the moved tables; ignored");
            }
        }
        for (TableName table : config.joinedTables().keySet()) {
            if (!byName.containsKey(table)) {
                logger.log(System.Logger.Level.WARNING, path + ".joinedTables: table " + table + " is not among the moved tables; ignored");
            }
        }
        // lookups first: binding a through table links its row images to the lookups of its children
        for (Map.Entry<TableName, ShardingConfig.Join> entry : config.joinedTables().entrySet()) {
            if (byName.containsKey(entry.getKey())) {
                lookup(entry.getKey(), entry.getValue(), byName, problems);
            }
        }
        for (TableSchema table : tables) {
            Rule rule = bind(table, true, problems);
            if (rule != null) {
                rules.put(table.name(), rule);
            }
        }
        return problems;
    }

    @Override
    public Optional<SqlPredicate> copyPredicate(TableSchema table)
    {
        Rule rule = rule(table);
        switch (rule.kind()) {
            case WHOLE:
                return Optional.empty();
            case NONE:
                return Optional.of(NOTHING);
            default:
                return Optional.of(rule.predicate());
        }
    }

    /**
     * For a table with the sharding key: {@code (shardingKey, primary key...)} when an index
     * orders the rows that way (it starts with the sharding key, then the primary key columns or a
     * prefix of them, which InnoDB completes), so that the copy reads only the tenants' index
     * range. Otherwise empty, with a warning naming the index to add.
     */
    @Override
    public Optional<List<String>> paginationColumns(TableSchema table)
    {
        if (kind(table) != Kind.SHARDED) {
            return Optional.empty();
        }
        Column key = table.column(config.shardingKey()).orElseThrow();
        Optional<IndexInfo> primary = table.primaryKey();
        if (primary.isEmpty()) {
            warnOnce("index " + table.name(), "copy filter: table " + table.name() + " has no primary key, so its copy cannot read only the rows of "
                    + key.name() + " " + config.values() + " through an index: it reads the whole table");
            return Optional.empty();
        }
        List<String> primaryColumns = primary.get().columns();
        if (primaryColumns.get(0).equalsIgnoreCase(key.name())) {
            return Optional.empty();
        }
        List<String> rest = without(primaryColumns, key.name());
        List<String> wanted = new ArrayList<>();
        wanted.add(key.name());
        wanted.addAll(rest);
        if (key.nullable() || !key.isPaginationCapable() || key.generated()) {
            warnOnce("index " + table.name(), "copy filter: column " + key.name() + " of table " + table.name() + " is "
                    + (key.nullable() ? "nullable" : key.generated() ? "generated" : key.columnType())
                    + ", so the copy cannot paginate by " + wanted + " and reads the whole table"
                    + (key.nullable() ? "; make it NOT NULL to read only the moved rows" : ""));
            return Optional.empty();
        }
        for (IndexInfo index : table.indexes()) {
            if (!index.isPrimary() && index.columns().get(0).equalsIgnoreCase(key.name())
                    && prefixCompatible(without(index.columns(), key.name()), rest)) {
                return Optional.of(wanted);
            }
        }
        StringBuilder columns = new StringBuilder();
        for (String column : wanted) {
            columns.append(columns.length() == 0 ? "" : ", ").append(TableName.quoteIdentifier(column));
        }
        String indexName = String.join("_", wanted);
        indexName = indexName.substring(0, Math.min(64, indexName.length()));
        warnOnce("index " + table.name(), "copy filter: table " + table.name() + " has no index starting with " + wanted
                + ", so its copy reads the whole table to find the rows of " + key.name() + " " + config.values()
                + "; to read only those, add: CREATE INDEX " + TableName.quoteIdentifier(indexName) + " ON " + table.name().quoted()
                + " (" + columns + ")");
        return Optional.empty();
    }

    @Override
    public boolean matches(TableSchema table, Row row)
    {
        Rule rule = rules.get(table.name());
        if (rule == null || rule.table() != table) {
            rule = rule(table);
        }
        ParentLink[] parents = rule.parents();
        if (parents != null) {
            // binlog order: this image is the parent's state for the child events that follow
            for (ParentLink parent : parents) {
                byte[] key = row.get(parent.keyIndex());
                if (key != null) {
                    parent.cache().record(key, parent.inTenants().matches(row));
                }
            }
        }
        switch (rule.kind()) {
            case WHOLE:
                return true;
            case SHARDED:
                return rule.condition().matches(row);
            case JOINED: {
                byte[] value = row.get(rule.joinIndex());
                return value != null && rule.lookup().cache().test(value, rule.joinParameter());
            }
            default:
                return false;
        }
    }

    /**
     * The rule for a structure of a table, bound now if it is new (a table created after the
     * start, or changed by DDL).
     */
    private Rule rule(TableSchema table)
    {
        Rule rule = rules.get(table.name());
        if (rule != null && rule.table() == table) {
            return rule;
        }
        if (rule != null && rule.table().columns().equals(table.columns())) {
            Rule rebound = rule.withTable(table);
            rules.put(table.name(), rebound);
            return rebound;
        }
        List<String> problems = new ArrayList<>();
        ShardingConfig.Join join = config.joinedTables().get(table.name());
        if (join != null && !lookups.containsKey(lookupKey(join))) {
            lookup(table.name(), join, Map.of(), problems);
        }
        Rule bound = bind(table, false, problems);
        if (bound == null) {
            throw new FerryException("copy filter " + path + ": table " + table.name() + " cannot be filtered (after a schema change?): "
                    + String.join("; ", problems));
        }
        if (bound.kind() == Kind.NONE) {
            warnOnce("unfiltered " + table.name(), "copy filter: table " + table.name() + " appeared after the start and " + uncovered(table.name())
                    + "; none of its rows are moved");
        }
        rules.put(table.name(), bound);
        return bound;
    }

    private Kind kind(TableSchema table)
    {
        if (config.primaryKeyTables().contains(table.name())) {
            return Kind.WHOLE;
        }
        if (config.joinedTables().containsKey(table.name())) {
            return Kind.JOINED;
        }
        return table.columnIndex(config.shardingKey()) >= 0 ? Kind.SHARDED : Kind.NONE;
    }

    /**
     * Binds a table's rule, or returns null after adding its problems. A table covered by no rule
     * is a problem when {@code strict} (in {@link #check}), else a rule that moves none of its rows
     * (a table created while the run is under way).
     */
    private Rule bind(TableSchema table, boolean strict, List<String> problems)
    {
        Kind kind = kind(table);
        ParentLink[] parents = parents(table);
        switch (kind) {
            case WHOLE:
                return new Rule(table, kind, null, null, -1, null, null, parents);
            case NONE:
                if (!strict) {
                    return new Rule(table, kind, null, null, -1, null, null, parents);
                }
                problems.add("table " + table.name() + " " + uncovered(table.name()) + ": add it to one of them, or leave it out with the table filter (tableFilter)");
                return null;
            case SHARDED: {
                int before = problems.size();
                RowCondition condition = shardingCondition(table.column(config.shardingKey()).orElseThrow(), table.name(), problems);
                if (condition == null) {
                    return null;
                }
                List<String> found = new ArrayList<>();
                CompiledCondition compiled = CompiledCondition.compile(condition, table, queries, config.cacheSize(), found);
                for (String problem : found) {
                    problems.add("table " + table.name() + ": " + path + ".shardingKey: " + problem);
                }
                return problems.size() > before || compiled == null ? null
                        : new Rule(table, kind, compiled, condition.predicate(), -1, null, null, parents);
            }
            default: {
                ShardingConfig.Join join = config.joinedTables().get(table.name());
                String key = path + ".joinedTables." + table.name();
                int joinIndex = table.columnIndex(join.joinColumn());
                if (joinIndex < 0) {
                    problems.add(key + ".joinColumn: table " + table.name() + " has no column " + join.joinColumn());
                    return null;
                }
                ColumnValues joinValues;
                try {
                    joinValues = ColumnValues.of(table.columns().get(joinIndex));
                }
                catch (IllegalArgumentException e) {
                    problems.add(key + ".joinColumn: " + e.getMessage());
                    return null;
                }
                ThroughLookup lookup = lookups.get(lookupKey(join));
                if (lookup == null) {
                    // its problem was reported when the lookup was built
                    return null;
                }
                String predicate = TableName.quoteIdentifier(table.columns().get(joinIndex).name()) + " IN (" + lookup.subquery().sql() + ")";
                // the join value is bound as its own column's type: BIGINT 7 as 7, not '7'
                return new Rule(table, kind, null, new SqlPredicate(predicate, lookup.subquery().parameters()), joinIndex, joinValues::parameter,
                        lookup, parents);
            }
        }
    }

    /**
     * The joins whose through table this is, or null; joins whose columns it lacks were reported
     * when their lookups were built.
     */
    private ParentLink[] parents(TableSchema table)
    {
        List<ParentLink> links = new ArrayList<>();
        for (ThroughLookup lookup : lookups.values()) {
            int keyIndex = lookup.through().equals(table.name()) ? table.columnIndex(lookup.throughColumn()) : -1;
            int shardingIndex = table.columnIndex(config.shardingKey());
            if (keyIndex < 0 || shardingIndex < 0) {
                continue;
            }
            List<String> ignored = new ArrayList<>();
            RowCondition condition = shardingCondition(table.columns().get(shardingIndex), table.name(), ignored);
            CompiledCondition inTenants = condition == null ? null : CompiledCondition.compile(condition, table, queries, config.cacheSize(), ignored);
            if (inTenants != null) {
                links.add(new ParentLink(lookup.cache(), keyIndex, inTenants));
            }
        }
        return links.isEmpty() ? null : links.toArray(new ParentLink[0]);
    }

    private String uncovered(TableName table)
    {
        return "has no column " + config.shardingKey() + " (" + path + ".shardingKey), and is neither in " + path
                + ".joinedTables (rows joined to a table that has " + config.shardingKey() + ") nor in " + path + ".primaryKeyTables (moved whole)";
    }

    /**
     * {@code shardingKey IN (values)} with the values typed by the column.
     */
    private RowCondition shardingCondition(Column column, TableName table, List<String> problems)
    {
        ColumnValues values;
        try {
            values = ColumnValues.of(column);
        }
        catch (IllegalArgumentException e) {
            problems.add("table " + table + ": " + path + ".shardingKey: " + e.getMessage());
            return null;
        }
        List<Literal> literals = new ArrayList<>();
        for (String value : config.values()) {
            try {
                literals.add(values.literal(value));
            }
            catch (IllegalArgumentException e) {
                problems.add("table " + table + ": " + path + ".values: " + e.getMessage());
            }
        }
        if (literals.size() < config.values().size()) {
            return null;
        }
        return RowCondition.of(new RowCondition.In(column.name(), literals, false));
    }

    /**
     * Builds (once) the lookup of a join's through table, whose structure comes from the moved
     * tables, the context, or the source's information_schema.
     */
    private void lookup(TableName joined, ShardingConfig.Join join, Map<TableName, TableSchema> tables, List<String> problems)
    {
        String key = path + ".joinedTables." + joined + ".through";
        if (lookups.containsKey(lookupKey(join))) {
            return;
        }
        TableName through = join.through();
        List<Column> columns;
        if (tables.containsKey(through)) {
            columns = tables.get(through).columns();
        }
        else {
            Optional<TableSchema> known = context.sourceTable(through);
            try {
                columns = known.isPresent() ? known.get().columns() : loadColumns(through);
            }
            catch (SQLException e) {
                problems.add(key + ": cannot read the columns of " + through + " on the source: " + e.getMessage());
                return;
            }
        }
        if (columns.isEmpty()) {
            problems.add(key + ": table " + through + " does not exist on the source");
            return;
        }
        Column shardingColumn = find(columns, config.shardingKey());
        Column throughColumn = find(columns, join.throughColumn());
        if (shardingColumn == null) {
            problems.add(key + ": table " + through + " has no column " + config.shardingKey() + " (" + path
                    + ".shardingKey); a joined table must join a table that has it");
        }
        if (throughColumn == null) {
            problems.add(path + ".joinedTables." + joined + ".throughColumn: table " + through + " has no column " + join.throughColumn());
        }
        if (shardingColumn == null || throughColumn == null) {
            return;
        }
        RowCondition condition = shardingCondition(shardingColumn, through, problems);
        if (condition == null) {
            return;
        }
        SqlPredicate inTenant = condition.predicate();
        SqlPredicate subquery = new SqlPredicate("SELECT " + throughColumn.quotedName() + " FROM " + through.quoted() + " WHERE " + inTenant.sql(),
                inTenant.parameters());
        // a missing parent answers yes: see the class comment
        String sql = "SELECT " + inTenant.sql() + " FROM " + through.quoted() + " WHERE " + throughColumn.quotedName() + " = ? LIMIT 1";
        CachedLookup cache = new CachedLookup(queries.create(sql, inTenant.parameters(), List.of(), true), config.cacheSize(),
                "look up the " + config.shardingKey() + " of " + through + " rows by " + throughColumn.name());
        lookups.putIfAbsent(lookupKey(join), new ThroughLookup(through, throughColumn.name(), subquery, cache));
    }

    private List<Column> loadColumns(TableName table)
            throws SQLException
    {
        List<Column> columns = new ArrayList<>();
        try (Connection connection = context.source().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT column_name, data_type, column_type, is_nullable, character_set_name, "
                        + "collation_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            statement.setString(1, table.database());
            statement.setString(2, table.table());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String columnType = text(rows, 3);
                    columns.add(new Column(text(rows, 1), columns.size(), ColumnType.fromDataType(text(rows, 2)), columnType,
                            columnType.toLowerCase(Locale.ROOT).contains("unsigned"), "YES".equals(text(rows, 4)), text(rows, 5), text(rows, 6), false,
                            List.of()));
                }
            }
        }
        return columns;
    }

    private static String text(ResultSet rows, int column)
            throws SQLException
    {
        // ferry's source sessions return raw bytes (character_set_results = binary)
        byte[] bytes = rows.getBytes(column);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String lookupKey(ShardingConfig.Join join)
    {
        return join.through() + "." + join.throughColumn().toLowerCase(Locale.ROOT);
    }

    private static Column find(List<Column> columns, String name)
    {
        for (Column column : columns) {
            if (column.name().equalsIgnoreCase(name)) {
                return column;
            }
        }
        return null;
    }

    private static List<String> without(List<String> columns, String removed)
    {
        List<String> result = new ArrayList<>();
        for (String column : columns) {
            if (!column.equalsIgnoreCase(removed)) {
                result.add(column);
            }
        }
        return result;
    }

    /**
     * Whether one list is a prefix of the other, ignoring case.
     */
    private static boolean prefixCompatible(List<String> a, List<String> b)
    {
        int common = Math.min(a.size(), b.size());
        for (int i = 0; i < common; i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private void warnOnce(String subject, String message)
    {
        if (warned.add(subject)) {
            logger.log(System.Logger.Level.WARNING, message);
        }
    }

    /**
     * The number of source lookups made for joined tables, for tests.
     */
    long lookupQueries()
    {
        long total = 0;
        for (ThroughLookup lookup : lookups.values()) {
            total += lookup.cache().queries();
        }
        return total;
    }

}
