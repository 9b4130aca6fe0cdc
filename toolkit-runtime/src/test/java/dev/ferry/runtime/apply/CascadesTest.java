package dev.ferry.runtime.apply;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.ForeignKey.Action;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.core.RekeyedRows;
import dev.ferry.runtime.sql.StatementTag;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.ferry.testing.spi.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CascadesTest
{
    private static final TableSchema CUSTOMER = table("shop.customer").column("id", "int").column("code", "varchar(20)")
            .nullable("referrer_id", "int").primaryKey("id").uniqueIndex("code", "code")
            .foreignKey("fk_referrer", List.of("referrer_id"), "shop.customer", List.of("id"), Action.SET_NULL, Action.RESTRICT).build();
    private static final TableSchema ORDERS = table("shop.orders").column("id", "int").nullable("customer_id", "int").primaryKey("id")
            .foreignKey("fk_customer", List.of("customer_id"), "shop.customer", List.of("id"), Action.CASCADE, Action.CASCADE).build();
    private static final TableSchema LINE = table("shop.order_line").column("order_id", "int").column("line_no", "int").primaryKey("order_id", "line_no")
            .foreignKey("fk_order", List.of("order_id"), "shop.orders", List.of("id"), Action.CASCADE, Action.CASCADE).build();
    private static final TableSchema SHIPMENT = table("shop.shipment").column("id", "int").column("order_id", "int").column("line_no", "int")
            .primaryKey("id")
            .foreignKey("fk_line", List.of("order_id", "line_no"), "shop.order_line", List.of("order_id", "line_no"), Action.CASCADE, Action.CASCADE)
            .build();
    private static final TableSchema NOTE = table("shop.note").column("id", "int").nullable("customer_code", "varchar(20)").primaryKey("id")
            .foreignKey("fk_code", List.of("customer_code"), "shop.customer", List.of("code"), Action.SET_NULL, Action.SET_NULL).build();
    private static final TableSchema AUDIT = table("shop.audit").column("id", "int").column("order_id", "int").primaryKey("id")
            .foreignKey("fk_audit", List.of("order_id"), "shop.orders", List.of("id"), Action.RESTRICT, Action.RESTRICT).build();

    private final Cascades cascades = new Cascades(List.of(CUSTOMER, ORDERS, LINE, SHIPMENT, NOTE, AUDIT), RewritesConfig.none()::apply, StatementTag.NONE);

    @Test
    void deleteCascadesDownTheChainDeepestFirstAndSetsNulls()
    {
        assertEquals(List.of(
                "UPDATE `shop`.`customer` AS `t1` SET `t1`.`referrer_id` = NULL WHERE `t1`.`referrer_id` = ?",
                "DELETE `t3` FROM `shop`.`shipment` AS `t3` JOIN `shop`.`order_line` AS `t2` ON `t3`.`order_id` = `t2`.`order_id` AND `t3`.`line_no` = `t2`.`line_no` "
                        + "JOIN `shop`.`orders` AS `t1` ON `t2`.`order_id` = `t1`.`id` WHERE `t1`.`customer_id` = ?",
                "DELETE `t2` FROM `shop`.`order_line` AS `t2` JOIN `shop`.`orders` AS `t1` ON `t2`.`order_id` = `t1`.`id` WHERE `t1`.`customer_id` = ?",
                "DELETE `t1` FROM `shop`.`orders` AS `t1` WHERE `t1`.`customer_id` = ?",
                "UPDATE `shop`.`note` AS `t1` SET `t1`.`customer_code` = NULL WHERE `t1`.`customer_code` = ?"), sql(cascades.onDelete(CUSTOMER)));
        // every statement takes the deleted row's old referenced value
        assertEquals(List.of(new Cascades.Parameter(false, 0)), cascades.onDelete(CUSTOMER).get(0).parameters());
        assertEquals(List.of(new Cascades.Parameter(false, 1)), cascades.onDelete(CUSTOMER).get(4).parameters());
        // a multi-table DELETE runs with its table's target database as the default one; updates need none
        assertEquals("shop", cascades.onDelete(CUSTOMER).get(1).database());
        assertEquals(null, cascades.onDelete(CUSTOMER).get(0).database());
    }

    @Test
    void restrictAndLeafTablesDeriveNothing()
    {
        assertEquals(List.of(), cascades.onDelete(SHIPMENT));
        assertEquals(List.of(), cascades.onDelete(AUDIT));
        assertArrayEquals(new int[0], cascades.updateReferenced(AUDIT));
    }

    @Test
    void keyUpdateCascadesNewValuesIntoCompositeChildren()
    {
        assertArrayEquals(new int[] {0}, cascades.updateReferenced(ORDERS));
        List<Cascades.Derived> derived = cascades.onUpdate(ORDERS, bits(0));
        assertEquals(List.of(
                "UPDATE `shop`.`shipment` AS `t2` JOIN `shop`.`order_line` AS `t1` ON `t2`.`order_id` = `t1`.`order_id` AND `t2`.`line_no` = `t1`.`line_no` "
                        + "SET `t2`.`order_id` = ? WHERE `t1`.`order_id` = ?",
                // order_id is part of order_line's primary key: a row the copy already wrote under its new key wins
                "UPDATE IGNORE `shop`.`order_line` AS `t1` SET `t1`.`order_id` = ? WHERE `t1`.`order_id` = ?",
                "DELETE `t1` FROM `shop`.`order_line` AS `t1` WHERE `t1`.`order_id` = ?"), sql(derived));
        assertEquals(List.of(new Cascades.Parameter(true, 0), new Cascades.Parameter(false, 0)), derived.get(0).parameters());
        assertEquals(List.of(new Cascades.Parameter(false, 0)), derived.get(2).parameters());
        assertEquals("shop", derived.get(2).database());
    }

    @Test
    void keyUpdateSaysWhereItMovesChildRowsInTheirKeyOrder()
    {
        List<Cascades.Derived> derived = cascades.onUpdate(ORDERS, bits(0));
        // shipment's key (id) keeps its value; order_line's key starts with the new order id
        assertEquals(false, moves(derived.get(0)));
        assertEquals(true, moves(derived.get(1)));
        assertArrayEquals(new int[] {0}, derived.get(1).changed().positions());
        assertEquals(List.of(new Cascades.Parameter(true, 0)), derived.get(1).changed().values());
        assertEquals(false, moves(derived.get(2)));
        // SET NULL moves nothing: a key column cannot be NULL
        assertTrue(cascades.onUpdate(CUSTOMER, bits(1)).stream().noneMatch(CascadesTest::moves));
        // two levels down: orders' key takes customer's new id
        Cascades.Derived orders = cascades.onUpdate(CUSTOMER, bits(0)).stream().filter(each -> each.sql().contains("UPDATE `shop`.`orders`"))
                .findFirst().orElseThrow();
        assertEquals(false, moves(orders));
    }

    private static boolean moves(Cascades.Derived derived)
    {
        return derived.changed() != null && derived.changed().moves();
    }

    @Test
    void rekeyedRowsAreRecordedOnlyWhileTheTableIsOpenAndCloseWhenARoundFindsNone()
    {
        RekeyedRows rekeyed = new RekeyedRows();
        RekeyedRows.Lookup lookup = new RekeyedRows.Lookup(List.of(LINE.columns().get(0)), List.of(ORDERS.columns().get(0)), List.of(new byte[] {'7'}));
        rekeyed.record(LINE.name(), lookup);
        assertEquals(List.of(), rekeyed.takeOrClose(LINE.name()));
        rekeyed.open(LINE.name());
        rekeyed.record(LINE.name(), lookup);
        assertEquals(List.of(lookup), rekeyed.takeOrClose(LINE.name()));
        assertTrue(rekeyed.isOpen(LINE.name()));
        assertEquals(List.of(), rekeyed.takeOrClose(LINE.name()));
        assertEquals(false, rekeyed.isOpen(LINE.name()));
        rekeyed.record(LINE.name(), lookup);
        assertEquals(List.of(), rekeyed.takeOrClose(LINE.name()));

        Set<TableName> moved = Set.of(CUSTOMER.name(), ORDERS.name(), LINE.name(), SHIPMENT.name());
        assertTrue(RekeyedRows.rekeyable(LINE, moved));
        assertEquals(false, RekeyedRows.rekeyable(SHIPMENT, moved), "its key is not a foreign-key column");
        assertEquals(false, RekeyedRows.rekeyable(ORDERS, moved), "customer_id is not in its key");
        assertEquals(false, RekeyedRows.rekeyable(LINE, Set.of(LINE.name())), "orders is not moved: its updates are not read");
    }

    @Test
    void updateOfAnUnreferencedColumnOrOfOnlyOneReferencedColumn()
    {
        // customer.code is referenced by note with ON UPDATE SET NULL; customer.id by orders with CASCADE
        assertArrayEquals(new int[] {0, 1}, cascades.updateReferenced(CUSTOMER));
        assertEquals(List.of(
                "UPDATE `shop`.`note` AS `t1` SET `t1`.`customer_code` = NULL WHERE `t1`.`customer_code` = ?"), sql(cascades.onUpdate(CUSTOMER, bits(1))));
        assertEquals(List.of(), cascades.onUpdate(CUSTOMER, bits(2)));
    }

    @Test
    void targetNamesFollowRewrites()
    {
        RewritesConfig rewrites = new RewritesConfig(Map.of("shop", "shop_new"), Map.of(TableName.parse("shop.orders"), "orders_v2"));
        Cascades renamed = new Cascades(List.of(CUSTOMER, ORDERS), rewrites::apply, StatementTag.NONE);
        assertEquals(List.of(
                "UPDATE `shop_new`.`customer` AS `t1` SET `t1`.`referrer_id` = NULL WHERE `t1`.`referrer_id` = ?",
                "DELETE `t1` FROM `shop_new`.`orders_v2` AS `t1` WHERE `t1`.`customer_id` = ?"), sql(renamed.onDelete(CUSTOMER)));
    }

    @Test
    void selfReferenceStopsAtInnoDbDepthAndLocksReachChildren()
    {
        TableSchema tree = table("shop.tree").column("id", "int").nullable("parent_id", "int").primaryKey("id")
                .foreignKey("fk_parent", List.of("parent_id"), "shop.tree", List.of("id"), Action.CASCADE, Action.RESTRICT).build();
        Cascades self = new Cascades(List.of(tree), RewritesConfig.none()::apply, StatementTag.NONE);
        List<Cascades.Derived> derived = self.onDelete(tree);
        assertEquals(Cascades.MAX_DEPTH, derived.size());
        assertEquals("DELETE `t1` FROM `shop`.`tree` AS `t1` WHERE `t1`.`parent_id` = ?", derived.get(derived.size() - 1).sql());
        assertTrue(derived.get(0).sql().startsWith("DELETE `t15` FROM `shop`.`tree` AS `t15` JOIN `shop`.`tree` AS `t14` ON `t15`.`parent_id` = `t14`.`id`"),
                derived.get(0).sql());
        assertEquals(Set.of(tree.name()), self.reachable(tree.name()));
        assertEquals(Set.of(CUSTOMER.name(), ORDERS.name(), LINE.name(), SHIPMENT.name(), NOTE.name()), cascades.reachable(CUSTOMER.name()));
        Set<TableName> locked = new java.util.LinkedHashSet<>(Set.of(ORDERS.name()));
        cascades.addReachable(locked);
        assertEquals(Set.of(ORDERS.name(), LINE.name(), SHIPMENT.name()), locked);
    }

    @Test
    void setDefaultUsesTheColumnDefault()
    {
        TableSchema child = table("shop.child").column("id", "int").column("customer_id", "int").primaryKey("id")
                .foreignKey("fk", List.of("customer_id"), "shop.customer", List.of("id"), Action.SET_DEFAULT, Action.RESTRICT).build();
        assertTrue(sql(new Cascades(List.of(CUSTOMER, child), RewritesConfig.none()::apply, StatementTag.NONE).onDelete(CUSTOMER)).contains(
                "UPDATE `shop`.`child` AS `t1` SET `t1`.`customer_id` = DEFAULT(`t1`.`customer_id`) WHERE `t1`.`customer_id` = ?"));
    }

    @Test
    void denseCyclesAreRefusedWithAClearError()
    {
        TableSchema graph = table("shop.graph").column("id", "int").nullable("a", "int").nullable("b", "int").primaryKey("id")
                .foreignKey("fk_a", List.of("a"), "shop.graph", List.of("id"), Action.CASCADE, Action.RESTRICT)
                .foreignKey("fk_b", List.of("b"), "shop.graph", List.of("id"), Action.CASCADE, Action.RESTRICT).build();
        Cascades dense = new Cascades(List.of(graph), RewritesConfig.none()::apply, StatementTag.NONE);
        FerryException e = assertThrows(FerryException.class, () -> dense.onDelete(graph));
        assertTrue(e.getMessage().contains("more than " + Cascades.MAX_STATEMENTS), e.getMessage());
    }

    private static BitSet bits(int... positions)
    {
        BitSet result = new BitSet();
        for (int position : positions) {
            result.set(position);
        }
        return result;
    }

    private static List<String> sql(List<Cascades.Derived> derived)
    {
        return derived.stream().map(Cascades.Derived::sql).toList();
    }
}
