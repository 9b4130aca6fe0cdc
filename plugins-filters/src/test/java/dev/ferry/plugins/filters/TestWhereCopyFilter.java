package dev.ferry.plugins.filters;

import dev.ferry.api.FerryException;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.TableSchema;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import dev.ferry.testing.spi.TestingTables;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestWhereCopyFilter
{
    private static final TableSchema ORDERS = TestingTables.table("shop.orders")
            .column("id", "bigint(20)").column("tenant_id", "int(11)").column("status", "varchar(16)").nullable("deleted_at", "datetime")
            .primaryKey("id").build();
    private static final TableSchema ACCOUNTS = TestingTables.table("shop.accounts")
            .column("id", "bigint(20)").column("tenant_id", "int(11)").column("name", "varchar(64)").primaryKey("id").build();
    private static final TableSchema COUNTRIES = TestingTables.table("shop.countries")
            .column("code", "char(2)").column("name", "varchar(64)").primaryKey("code").build();

    @Test
    void checksEveryConditionAgainstItsTable()
    {
        WhereCopyFilter filter = filter("""
                tables:
                  shop.orders: "tenant = 7 OR status < 'm'"
                  shop.ordres: "tenant_id = 7"
                default: "tenant_id = 7"
                """, TestingPluginContext.offline());
        assertEquals(List.of(
                        "copyFilter.tables.shop.orders: table shop.orders has no column tenant (columns: id, tenant_id, status, deleted_at)",
                        "copyFilter.tables.shop.orders: column status has the collation utf8mb4_general_ci, under which the server orders strings "
                                + "differently from ferry (which compares bytes): use =, <>, IN or NOT IN on it, or compare a column with a binary "
                                + "(_bin) collation",
                        "copyFilter.default (table shop.countries): table shop.countries has no column tenant_id (columns: code, name)",
                        "copyFilter.tables.shop.ordres: table shop.ordres is not among the moved tables: check its name and the table filter (tableFilter)"),
                filter.check(List.of(ORDERS, ACCOUNTS, COUNTRIES)));
    }

    @Test
    void movesTablesWithoutAConditionWhole()
    {
        TestingPluginContext context = TestingPluginContext.offline();
        WhereCopyFilter filter = filter("tables: {shop.orders: \"tenant_id = 7 AND deleted_at IS NULL\"}", context);
        assertEquals(List.of(), filter.check(List.of(ORDERS, ACCOUNTS, COUNTRIES)));
        assertEquals(List.of("INFO copy filter: 2 tables have no condition (copyFilter.tables, copyFilter.default) and are moved whole: "
                + "[shop.accounts, shop.countries]"), context.logged());
        assertEquals(Optional.of(new SqlPredicate("`tenant_id` = ? AND `deleted_at` IS NULL", List.of(7L))), filter.copyPredicate(ORDERS));
        assertEquals(Optional.empty(), filter.copyPredicate(ACCOUNTS));
        assertTrue(filter.matches(ACCOUNTS, TestingTables.row("1", "9", "x")));
        assertTrue(filter.matches(ORDERS, TestingTables.row("1", "7", "paid", null)));
        assertFalse(filter.matches(ORDERS, TestingTables.row("2", "7", "paid", "2024-01-01 00:00:00")));
        assertFalse(filter.matches(ORDERS, TestingTables.row("3", "8", "paid", null)));
    }

    @Test
    void appliesTheDefaultToTablesNotListed()
    {
        WhereCopyFilter filter = filter("""
                tables: {shop.orders: "status IN ('paid')"}
                default: "tenant_id = 7"
                """, TestingPluginContext.offline());
        assertEquals(List.of(), filter.check(List.of(ORDERS, ACCOUNTS)));
        assertEquals(Optional.of(new SqlPredicate("`tenant_id` = ?", List.of(7L))), filter.copyPredicate(ACCOUNTS));
        assertEquals(Optional.of(new SqlPredicate("`status` IN (?)", List.of("paid"))), filter.copyPredicate(ORDERS));
        assertTrue(filter.matches(ACCOUNTS, TestingTables.row("1", "7", "x")));
        assertFalse(filter.matches(ACCOUNTS, TestingTables.row("1", "8", "x")));
        assertTrue(filter.matches(ORDERS, TestingTables.row("1", "8", "paid", null)));
    }

    @Test
    void followsSchemaChangesAndFailsWhenTheConditionNoLongerFits()
    {
        WhereCopyFilter filter = filter("tables: {shop.orders: \"tenant_id = 7\"}", TestingPluginContext.offline());
        assertEquals(List.of(), filter.check(List.of(ORDERS)));
        TableSchema added = TestingTables.table("shop.orders").column("id", "bigint(20)").column("region", "char(2)").column("tenant_id", "int(11)")
                .primaryKey("id").build();
        assertTrue(filter.matches(added, TestingTables.row("1", "eu", "7")));
        assertFalse(filter.matches(added, TestingTables.row("1", "7", "8")));
        TableSchema dropped = TestingTables.table("shop.orders").column("id", "bigint(20)").primaryKey("id").build();
        FerryException failure = assertThrows(FerryException.class, () -> filter.matches(dropped, TestingTables.row("1")));
        assertEquals("copyFilter.tables.shop.orders: the condition no longer fits table shop.orders (after a schema change?): "
                + "table shop.orders has no column tenant_id (columns: id)", failure.getMessage());
    }

    private static WhereCopyFilter filter(String yaml, TestingPluginContext context)
    {
        TestingPluginConfig config = TestingYaml.copyFilter(yaml);
        WhereConfig bound = WhereConfig.bind(config);
        assertEquals(List.of(), config.problems());
        return new WhereCopyFilter(bound, "copyFilter", context.logger(WhereCopyFilter.class), TestingQueries.none());
    }
}
