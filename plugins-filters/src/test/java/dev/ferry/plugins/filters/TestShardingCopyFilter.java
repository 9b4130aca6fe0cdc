package dev.ferry.plugins.filters;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.TableSchema;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import dev.ferry.testing.spi.TestingTables;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestShardingCopyFilter
{
    private static final TableSchema ACCOUNTS = TestingTables.table("shop.accounts")
            .column("id", "bigint(20)").column("tenant_id", "int(11)").column("name", "varchar(64)")
            .primaryKey("id").index("tenant", "tenant_id").build();
    private static final TableSchema ORDERS = TestingTables.table("shop.orders")
            .column("id", "bigint(20)").column("tenant_id", "int(11)").nullable("total", "decimal(12,2)")
            .primaryKey("id").index("tenant_id_id", "tenant_id", "id").build();
    private static final TableSchema ORDER_ITEMS = TestingTables.table("shop.order_items")
            .column("id", "bigint(20)").nullable("order_id", "bigint(20)").column("sku", "varchar(32)")
            .primaryKey("id").index("order_id", "order_id").build();
    private static final TableSchema COUNTRIES = TestingTables.table("shop.countries")
            .column("code", "char(2)").column("name", "varchar(64)").primaryKey("code").build();
    private static final TableSchema AUDIT = TestingTables.table("shop.audit")
            .column("id", "bigint(20)").column("message", "text").primaryKey("id").build();

    private static final String BASE = """
            shardingKey: tenant_id
            values: [7, 8]
            joinedTables:
              shop.order_items: {joinColumn: order_id, through: orders, throughColumn: id}
            primaryKeyTables: [shop.countries]
            """;

    @Test
    void refusesTablesCoveredByNoRule()
    {
        ShardingCopyFilter filter = filter(BASE, TestingQueries.none());
        assertEquals(List.of("table shop.audit has no column tenant_id (copyFilter.shardingKey), and is neither in copyFilter.joinedTables "
                        + "(rows joined to a table that has tenant_id) nor in copyFilter.primaryKeyTables (moved whole): "
                        + "add it to one of them, or leave it out with the table filter (tableFilter)"),
                filter.check(List.of(ACCOUNTS, ORDERS, ORDER_ITEMS, COUNTRIES, AUDIT)));
        assertEquals(List.of(), filter(BASE, TestingQueries.none()).check(List.of(ACCOUNTS, ORDERS, ORDER_ITEMS, COUNTRIES)));
    }

    @Test
    void refusesJoinsThroughATableWithoutTheShardingKey()
    {
        ShardingCopyFilter filter = filter("""
                shardingKey: tenant_id
                values: [7]
                joinedTables:
                  shop.order_items: {joinColumn: order_id, through: shop.countries, throughColumn: code}
                  shop.audit: {joinColumn: order, through: shop.orders, throughColumn: number}
                primaryKeyTables: [shop.countries]
                """, TestingQueries.none());
        assertEquals(List.of(
                        "copyFilter.joinedTables.shop.order_items.through: table shop.countries has no column tenant_id (copyFilter.shardingKey); "
                                + "a joined table must join a table that has it",
                        "copyFilter.joinedTables.shop.audit.throughColumn: table shop.orders has no column number",
                        "copyFilter.joinedTables.shop.audit.joinColumn: table shop.audit has no column order"),
                filter.check(List.of(ORDERS, ORDER_ITEMS, COUNTRIES, AUDIT)));
    }

    @Test
    void findsAThroughTableThatIsNotMoved()
    {
        TestingPluginContext context = TestingPluginContext.builder().tables(ORDERS).build();
        ShardingCopyFilter filter = new ShardingCopyFilter(ShardingConfig.bind(TestingYaml.copyFilter(BASE)), "copyFilter", context,
                TestingQueries.none());
        assertEquals(List.of(), filter.check(List.of(ORDER_ITEMS)));
        assertEquals(Optional.of(new SqlPredicate("`order_id` IN (SELECT `id` FROM `shop`.`orders` WHERE `tenant_id` IN (?, ?))", List.of(7L, 8L))),
                filter.copyPredicate(ORDER_ITEMS));
        assertEquals(List.of("WARNING copyFilter.primaryKeyTables: table shop.countries is not among the moved tables; ignored"), context.logged());
    }

    @Test
    void typesTheValuesByTheShardingKeyColumn()
    {
        ShardingCopyFilter filter = filter("shardingKey: tenant_id\nvalues: [acme]", TestingQueries.none());
        assertEquals(List.of("table shop.accounts: copyFilter.values: \"acme\" is not a number, but column tenant_id is int(11)"),
                filter.check(List.of(ACCOUNTS)));

        TableSchema text = TestingTables.table("shop.accounts").column("id", "bigint(20)").column("tenant_id", "varchar(16)").primaryKey("id").build();
        ShardingCopyFilter strings = filter("shardingKey: tenant_id\nvalues: [acme, 7]", TestingQueries.none());
        assertEquals(List.of(), strings.check(List.of(text)));
        assertEquals(new SqlPredicate("`tenant_id` IN (?, ?)", List.of("acme", "7")), strings.copyPredicate(text).orElseThrow());

        TableSchema floating = TestingTables.table("shop.accounts").column("id", "bigint(20)").column("tenant_id", "double").primaryKey("id").build();
        assertEquals(List.of("table shop.accounts: copyFilter.shardingKey: column tenant_id (double) cannot be filtered: "
                + "floating-point values are approximate; compare a DECIMAL or integer column"), filter(BASE, TestingQueries.none()).check(List.of(floating)));
    }

    @Test
    void buildsCopyPredicatesWithBoundValues()
    {
        ShardingCopyFilter filter = filter(BASE, TestingQueries.none());
        assertEquals(List.of(), filter.check(List.of(ACCOUNTS, ORDERS, ORDER_ITEMS, COUNTRIES)));
        assertEquals(Optional.of(new SqlPredicate("`tenant_id` IN (?, ?)", List.of(7L, 8L))), filter.copyPredicate(ACCOUNTS));
        assertEquals(Optional.of(new SqlPredicate("`order_id` IN (SELECT `id` FROM `shop`.`orders` WHERE `tenant_id` IN (?, ?))", List.of(7L, 8L))),
                filter.copyPredicate(ORDER_ITEMS));
        assertEquals(Optional.empty(), filter.copyPredicate(COUNTRIES));
    }

    @Test
    void paginatesByTheShardingKeyWhenAnIndexAllowsIt()
    {
        TestingPluginContext context = TestingPluginContext.offline();
        ShardingCopyFilter filter = new ShardingCopyFilter(ShardingConfig.bind(TestingYaml.copyFilter(BASE)), "copyFilter", context,
                TestingQueries.none());
        // (tenant_id) is (tenant_id, id) in InnoDB; (tenant_id, id) explicitly
        assertEquals(Optional.of(List.of("tenant_id", "id")), filter.paginationColumns(ACCOUNTS));
        assertEquals(Optional.of(List.of("tenant_id", "id")), filter.paginationColumns(ORDERS));
        assertEquals(Optional.empty(), filter.paginationColumns(ORDER_ITEMS));
        assertEquals(Optional.empty(), filter.paginationColumns(COUNTRIES));
        TableSchema tenantFirst = TestingTables.table("shop.pairs").column("tenant_id", "int(11)").column("id", "bigint(20)")
                .primaryKey("tenant_id", "id").build();
        assertEquals(Optional.empty(), filter.paginationColumns(tenantFirst), "the primary key already starts with the tenant");
        TableSchema composite = TestingTables.table("shop.lines").column("order_id", "bigint(20)").column("line", "int(11)")
                .column("tenant_id", "int(11)").primaryKey("order_id", "line").index("tenant", "tenant_id", "order_id").build();
        assertEquals(Optional.of(List.of("tenant_id", "order_id", "line")), filter.paginationColumns(composite));
        assertEquals(List.of(), context.logged());
    }

    @Test
    void warnsOnceNamingTheIndexToAdd()
    {
        TestingPluginContext context = TestingPluginContext.offline();
        ShardingCopyFilter filter = new ShardingCopyFilter(ShardingConfig.bind(TestingYaml.copyFilter(BASE)), "copyFilter", context,
                TestingQueries.none());
        TableSchema events = TestingTables.table("shop.events").column("id", "bigint(20)").column("tenant_id", "int(11)")
                .column("created_at", "datetime").primaryKey("id").index("tenant_created", "tenant_id", "created_at").build();
        assertEquals(Optional.empty(), filter.paginationColumns(events));
        assertEquals(Optional.empty(), filter.paginationColumns(events));
        assertEquals(List.of("WARNING copy filter: table shop.events has no index starting with [tenant_id, id], so its copy reads the whole "
                + "table to find the rows of tenant_id [7, 8]; to read only those, add: CREATE INDEX `tenant_id_id` ON `shop`.`events` "
                + "(`tenant_id`, `id`)"), context.logged());

        TableSchema nullable = TestingTables.table("shop.legacy").column("id", "bigint(20)").nullable("tenant_id", "int(11)")
                .primaryKey("id").index("tenant", "tenant_id").build();
        assertEquals(Optional.empty(), filter.paginationColumns(nullable));
        assertEquals("WARNING copy filter: column tenant_id of table shop.legacy is nullable, so the copy cannot paginate by [tenant_id, id] "
                + "and reads the whole table; make it NOT NULL to read only the moved rows", context.logged().get(1));
    }

    @Test
    void matchesRowsByTheirShardingValue()
    {
        ShardingCopyFilter filter = filter(BASE, TestingQueries.none());
        filter.check(List.of(ACCOUNTS, ORDERS, ORDER_ITEMS, COUNTRIES));
        assertTrue(filter.matches(ACCOUNTS, TestingTables.row("1", "7", "a")));
        assertTrue(filter.matches(ACCOUNTS, TestingTables.row("2", "8", "b")));
        assertFalse(filter.matches(ACCOUNTS, TestingTables.row("3", "9", "c")));
        assertFalse(filter.matches(ACCOUNTS, TestingTables.row("4", "70", "d")));
        assertTrue(filter.matches(COUNTRIES, TestingTables.row("DE", "Germany")), "primaryKeyTables always match");
    }

    @Test
    void comparesTextValuesUnderTheColumnsCollation()
    {
        TestingQueries queries = new TestingQueries((sql, parameters) ->
                new String((byte[]) parameters.get(0), StandardCharsets.UTF_8).equalsIgnoreCase(new String((byte[]) parameters.get(1), StandardCharsets.UTF_8)));
        TableSchema text = TestingTables.table("shop.accounts").column("id", "bigint(20)").column("tenant_id", "varchar(16)").primaryKey("id").build();
        ShardingCopyFilter filter = filter("shardingKey: tenant_id\nvalues: [acme]", queries);
        assertEquals(List.of(), filter.check(List.of(text)));
        assertTrue(filter.matches(text, TestingTables.row("1", "acme")));
        assertEquals(0, queries.asked().size());
        assertTrue(filter.matches(text, TestingTables.row("2", "ACME")), "utf8mb4_general_ci is case-insensitive");
        assertFalse(filter.matches(text, TestingTables.row("3", "other")));
        assertEquals(2, queries.asked().size());

        TableSchema binary = TestingTables.table("shop.accounts").column("id", "bigint(20)").text("tenant_id", "varchar(16)", "utf8mb4", "utf8mb4_bin")
                .primaryKey("id").build();
        ShardingCopyFilter exact = filter("shardingKey: tenant_id\nvalues: [acme]", TestingQueries.none());
        assertEquals(List.of(), exact.check(List.of(binary)));
        assertFalse(exact.matches(binary, TestingTables.row("2", "ACME")));
    }

    @Test
    void matchesJoinedRowsThroughTheirParent()
    {
        Map<Long, Boolean> parents = Map.of(1L, true, 2L, false);
        TestingQueries queries = new TestingQueries((sql, parameters) -> parents.get((Long) parameters.get(2)));
        ShardingCopyFilter filter = filter(BASE, queries);
        assertEquals(List.of(), filter.check(List.of(ACCOUNTS, ORDERS, ORDER_ITEMS, COUNTRIES)));
        assertEquals(List.of("SELECT `tenant_id` IN (?, ?) FROM `shop`.`orders` WHERE `id` = ? LIMIT 1"), queries.prepared());

        assertTrue(filter.matches(ORDER_ITEMS, TestingTables.row("10", "1", "x")));
        assertEquals(List.of(List.of(7L, 8L, 1L)), queries.asked());
        assertFalse(filter.matches(ORDER_ITEMS, TestingTables.row("11", "2", "x")));
        assertTrue(filter.matches(ORDER_ITEMS, TestingTables.row("12", "1", "y")));
        assertEquals(2, queries.asked().size(), "answers are cached by join value");
        assertTrue(filter.matches(ORDER_ITEMS, TestingTables.row("13", "3", "z")), "a parent missing on the source counts as the tenant's");
        assertFalse(filter.matches(ORDER_ITEMS, TestingTables.row("14", null, "z")), "a NULL join value joins nothing");
        assertEquals(3, queries.asked().size());

        // order 2 joins tenant 7: its binlog image tells the lookups of its children, in binlog order
        assertTrue(filter.matches(ORDERS, TestingTables.row("2", "7", "1.00")));
        assertTrue(filter.matches(ORDER_ITEMS, TestingTables.row("11", "2", "x")));
        // order 1 leaves (the new image of an update is judged last)
        assertTrue(filter.matches(ORDERS, TestingTables.row("1", "7", "1.00")));
        assertFalse(filter.matches(ORDERS, TestingTables.row("1", "9", "1.00")));
        assertFalse(filter.matches(ORDER_ITEMS, TestingTables.row("10", "1", "x")));
        // order 5, unknown to the source when asked, is known from its insert
        assertTrue(filter.matches(ORDERS, TestingTables.row("5", "8", "1.00")));
        assertTrue(filter.matches(ORDER_ITEMS, TestingTables.row("15", "5", "x")));
        assertEquals(3, queries.asked().size(), "no question about parents seen in the binlog");
        assertEquals(3, filter.lookupQueries());
    }

    @Test
    void movesNoRowOfATableThatAppearsUncoveredLater()
    {
        TestingPluginContext context = TestingPluginContext.offline();
        ShardingCopyFilter filter = new ShardingCopyFilter(ShardingConfig.bind(TestingYaml.copyFilter(BASE)), "copyFilter", context,
                TestingQueries.none());
        assertEquals(List.of(), filter.check(List.of(ACCOUNTS, ORDERS, ORDER_ITEMS, COUNTRIES)));
        assertEquals(Optional.of(new SqlPredicate("FALSE", List.of())), filter.copyPredicate(AUDIT));
        assertFalse(filter.matches(AUDIT, TestingTables.row("1", "hello")));
        assertEquals(1, context.logged().size(), context.logged().toString());
        assertTrue(context.logged().get(0).startsWith("WARNING copy filter: table shop.audit appeared after the start and has no column tenant_id"),
                context.logged().get(0));
    }

    @Test
    void followsSchemaChanges()
    {
        ShardingCopyFilter filter = filter(BASE, TestingQueries.none());
        filter.check(List.of(ACCOUNTS));
        TableSchema altered = TestingTables.table("shop.accounts").column("id", "bigint(20)").column("region", "varchar(8)")
                .column("tenant_id", "int(11)").column("name", "varchar(64)").primaryKey("id").build();
        assertTrue(filter.matches(altered, TestingTables.row("1", "eu", "7", "a")));
        assertFalse(filter.matches(altered, TestingTables.row("1", "7", "9", "a")));
        assertTrue(filter.matches(ACCOUNTS, TestingTables.row("1", "7", "a")));
    }

    private static ShardingCopyFilter filter(String yaml, TestingQueries queries)
    {
        TestingPluginConfig config = TestingYaml.copyFilter(yaml);
        ShardingConfig bound = ShardingConfig.bind(config);
        assertEquals(List.of(), config.problems());
        return new ShardingCopyFilter(bound, "copyFilter", TestingPluginContext.offline(), queries);
    }
}
