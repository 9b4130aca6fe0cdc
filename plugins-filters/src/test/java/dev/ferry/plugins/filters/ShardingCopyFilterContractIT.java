package dev.ferry.plugins.filters;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.CopyFilterFactory;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.sql.SessionSettings;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingDataSource;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardingCopyFilterContractIT
        extends CopyFilterContractIT
{
    @Override
    protected List<String> schema()
    {
        return List.of(
                "CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, tenant_id INT NULL, KEY tenant (tenant_id))",
                "INSERT INTO accounts VALUES (1, 7), (2, 8), (3, 9), (4, NULL), (5, 70), (6, -7), (7, 0)",
                "CREATE TABLE orders (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, tenant_id BIGINT UNSIGNED NOT NULL)",
                "INSERT INTO orders VALUES (1, 7), (2, 8), (3, 9), (18446744073709551615, 7), (5, 18446744073709551615)",
                "CREATE TABLE order_items (id INT NOT NULL PRIMARY KEY, order_id BIGINT UNSIGNED NULL)",
                "INSERT INTO order_items VALUES (1, 1), (2, 1), (3, 2), (4, 3), (5, 18446744073709551615), (6, NULL), (7, 5)",
                "CREATE TABLE codes (code VARCHAR(8) NOT NULL PRIMARY KEY, tenant_id VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL)",
                "INSERT INTO codes VALUES ('a', '7'), ('b', '07'), ('c', '7 '), ('d', ' 7'), ('e', '8'), ('f', '7.0')",
                "CREATE TABLE sites (id INT NOT NULL PRIMARY KEY, tenant VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL)",
                "INSERT INTO sites VALUES (1, 'acme'), (2, 'ACME'), (3, 'Acme  '), (4, 'acmé'), (5, 'beta'), (6, 'BETA'), (7, 'other'), (8, NULL)",
                "CREATE TABLE countries (code CHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)",
                "INSERT INTO countries VALUES ('DE', 'Germany'), ('FR', 'France')");
    }

    @Override
    protected CopyFilterFactory factory()
    {
        return new ShardingCopyFilterFactory();
    }

    @Override
    protected List<String> configs(String database)
    {
        return List.of("""
                        shardingKey: tenant_id
                        values: [7, 8]
                        joinedTables:
                          %1$s.order_items: {joinColumn: order_id, through: orders, throughColumn: id}
                        primaryKeyTables: [%1$s.countries, %1$s.sites]
                        """.formatted(database),
                """
                        shardingKey: tenant_id
                        values: [18446744073709551615]
                        joinedTables:
                          %1$s.order_items: {joinColumn: order_id, through: orders, throughColumn: id}
                        primaryKeyTables: [%1$s.countries, %1$s.sites]
                        """.formatted(database),
                """
                        shardingKey: tenant
                        values: [acme, Beta]
                        primaryKeyTables: [%1$s.accounts, %1$s.orders, %1$s.order_items, %1$s.codes, %1$s.countries]
                        """.formatted(database));
    }

    /**
     * The one row where matching and copying part ways by design: a child whose parent does not
     * exist is not copied, but its binlog events are applied (see ShardingCopyFilter).
     */
    @Test
    void appliesTheEventsOfOrphansButDoesNotCopyThem(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, tenant_id INT NOT NULL)",
                "CREATE TABLE order_items (id INT NOT NULL PRIMARY KEY, order_id BIGINT NOT NULL)",
                "INSERT INTO orders VALUES (1, 7)",
                "INSERT INTO order_items VALUES (1, 1), (2, 404)");
        TestingDataSource source = TestingDataSource.of(db.source(), db.name()).withSessionSql(SessionSettings.initSql(true, true));
        List<TableSchema> tables = tables(source, db.name());
        TestingPluginConfig config = TestingYaml.copyFilter("""
                shardingKey: tenant_id
                values: [7]
                joinedTables:
                  %s.order_items: {joinColumn: order_id, through: orders, throughColumn: id}
                """.formatted(db.name()));
        CopyFilter filter = factory().create(config, TestingPluginContext.builder().source(source).tables(tables).build());
        assertEquals(List.of(), filter.check(tables));
        TableSchema items = tables.stream().filter(t -> t.name().table().equals("order_items")).findFirst().orElseThrow();
        assertEquals(1, read(source, items, filter.copyPredicate(items)).size());
        List<Row> all = read(source, items, Optional.empty());
        assertTrue(filter.matches(items, all.get(0)));
        assertTrue(filter.matches(items, all.get(1)), "a missing parent counts as the tenant's");
    }
}
