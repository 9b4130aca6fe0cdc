package dev.ferry.plugins.filters;

import dev.ferry.api.filter.CopyFilterFactory;
import dev.ferry.api.model.TableName;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class TestCopyFilterConfigs
{
    @Test
    void shardingDefaults()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("shardingKey: tenant_id\nvalues: [7]");
        ShardingConfig bound = ShardingConfig.bind(config);
        assertEquals(List.of(), config.problems());
        assertEquals(new ShardingConfig("tenant_id", List.of("7"), Map.of(), Set.of(), 10_000), bound);
    }

    @Test
    void shardingExplicitMapping()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("""
                shardingKey: tenant_id
                values: [7, "acme", 7]
                joinedTables:
                  shop.order_items: {joinColumn: order_id, through: shop.orders, throughColumn: id}
                  shop.notes: {joinColumn: account_id, through: accounts, throughColumn: id}
                primaryKeyTables: [shop.countries, "`shop`.`currencies`"]
                cacheSize: 500
                """);
        ShardingConfig bound = ShardingConfig.bind(config);
        assertEquals(List.of(), config.problems());
        Map<TableName, ShardingConfig.Join> joined = new LinkedHashMap<>();
        joined.put(new TableName("shop", "order_items"), new ShardingConfig.Join("order_id", new TableName("shop", "orders"), "id"));
        joined.put(new TableName("shop", "notes"), new ShardingConfig.Join("account_id", new TableName("shop", "accounts"), "id"));
        assertEquals(new ShardingConfig("tenant_id", List.of("7", "acme"), joined,
                Set.of(new TableName("shop", "countries"), new TableName("shop", "currencies")), 500), bound);
    }

    @Test
    void shardingReportsEveryProblemAtOnce()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("""
                values: []
                joinedTables:
                  order_items: {joinColumn: order_id, through: shop.orders, throughColumn: id}
                  shop.items: {through: shop.orders, throughColumn: id}
                  shop.notes: {joinColumn: item_id, through: shop.items, throughColumn: id}
                primaryKeyTables: [shop.notes]
                cacheSize: 0
                valuse: [7]
                """);
        ShardingConfig.bind(config);
        assertEquals(new TreeSet<>(List.of(
                        "copyFilter.shardingKey: is required",
                        "copyFilter.values: is required: the sharding values (tenants) to move, e.g. [7] or [7, 8]",
                        "copyFilter.joinedTables.order_items: expected a table name written database.table (got \"order_items\")",
                        "copyFilter.joinedTables.shop.items.joinColumn: is required",
                        "copyFilter.primaryKeyTables[0]: table shop.notes is also in joinedTables: list it in one of them",
                        "copyFilter.cacheSize: must be between 1 and 10000000 (got 0)",
                        "copyFilter.valuse: unknown key; known keys here: cacheSize, joinedTables, primaryKeyTables, shardingKey, values")),
                new TreeSet<>(config.problems()));
    }

    @Test
    void shardingRefusesChainedJoins()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("""
                shardingKey: tenant_id
                values: [7]
                joinedTables:
                  shop.order_items: {joinColumn: order_id, through: shop.orders, throughColumn: id}
                  shop.item_options: {joinColumn: item_id, through: shop.order_items, throughColumn: id}
                """);
        ShardingConfig.bind(config);
        assertEquals(List.of("copyFilter.joinedTables.shop.item_options.through: table shop.order_items is itself a joined table; "
                + "the through table must have the sharding key (joins do not chain)"), config.problems());
    }

    @Test
    void whereDefaults()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("tables: {shop.orders: \"tenant_id = 7\"}");
        WhereConfig bound = WhereConfig.bind(config);
        assertEquals(List.of(), config.problems());
        assertEquals(Optional.empty(), bound.defaultCondition());
        assertEquals(10_000, bound.cacheSize());
        assertEquals(Set.of(new TableName("shop", "orders")), bound.tables().keySet());
        assertEquals("`tenant_id` = ?", bound.tables().get(new TableName("shop", "orders")).predicate().sql());
    }

    @Test
    void whereExplicitMapping()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("""
                tables:
                  shop.orders: "tenant_id = 7 AND deleted_at IS NULL"
                  shop.audit: "created_at >= '2024-01-01'"
                default: "tenant_id = 7"
                cacheSize: 20
                """);
        WhereConfig bound = WhereConfig.bind(config);
        assertEquals(List.of(), config.problems());
        assertEquals(List.of(new TableName("shop", "orders"), new TableName("shop", "audit")), new ArrayList<>(bound.tables().keySet()));
        assertEquals("tenant_id = 7 AND deleted_at IS NULL", bound.tables().get(new TableName("shop", "orders")).text());
        assertEquals("tenant_id = 7", bound.defaultCondition().orElseThrow().text());
        assertEquals(20, bound.cacheSize());
        assertEquals("created_at >= '2024-01-01'", bound.condition(new TableName("shop", "audit")).orElseThrow().text());
        assertEquals("tenant_id = 7", bound.condition(new TableName("shop", "accounts")).orElseThrow().text());
    }

    @Test
    void whereReportsEveryProblemAtOnce()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("""
                tables:
                  shop.orders: "created_at > NOW() - 1"
                  orders: "tenant_id = 7"
                  shop.items: "tenant_id = "
                default: "tenant_id IN (SELECT id FROM tenants)"
                tenant: 7
                """);
        WhereConfig.bind(config);
        List<String> problems = config.problems();
        assertEquals(5, problems.size(), problems.toString());
        assertEquals("copyFilter.tables.shop.orders: arithmetic is not supported: NOW() - 1 in \"created_at > NOW() - 1\"", problems.get(0));
        assertEquals("copyFilter.tables.orders: expected a table name written database.table (got \"orders\")", problems.get(1));
        assertEquals(true, problems.get(2).startsWith("copyFilter.tables.shop.items: cannot be parsed as a SQL condition"), problems.get(2));
        assertEquals("copyFilter.default: subqueries are not supported: (SELECT id FROM tenants) in \"tenant_id IN (SELECT id FROM tenants)\"",
                problems.get(3));
        assertEquals("copyFilter.tenant: unknown key; known keys here: cacheSize, default, tables", problems.get(4));
    }

    @Test
    void whereNeedsTablesOrADefault()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("cacheSize: 5");
        WhereConfig.bind(config);
        assertEquals(List.of("copyFilter: set tables (db.table: condition, e.g. {shop.orders: \"tenant_id = 7\"}) or default "
                + "(the condition of every table), or both"), config.problems());
    }

    @Test
    void factoriesAreRegisteredUnderTheirTypes()
    {
        Map<String, CopyFilterFactory> factories = new LinkedHashMap<>();
        for (CopyFilterFactory factory : ServiceLoader.load(CopyFilterFactory.class)) {
            factories.put(factory.name(), factory);
        }
        assertInstanceOf(ShardingCopyFilterFactory.class, factories.get("sharding"));
        assertInstanceOf(WhereCopyFilterFactory.class, factories.get("where"));
    }

    @Test
    void createValidatesWithoutTouchingTheServers()
    {
        TestingPluginConfig config = TestingYaml.copyFilter("tables: {shop.orders: \"tenant_id = NOW()\"}");
        new WhereCopyFilterFactory().create(config, TestingPluginContext.offline());
        assertEquals(List.of("copyFilter.tables.shop.orders: functions are not supported: NOW() in \"tenant_id = NOW()\""), config.problems());
        TestingPluginConfig sharding = TestingYaml.copyFilter("shardingKey: tenant_id\nvalues: [7]");
        new ShardingCopyFilterFactory().create(sharding, TestingPluginContext.offline());
        assertEquals(List.of(), sharding.problems());
    }
}
