package dev.ferry.runtime.copy;

import dev.ferry.api.model.ForeignKey.Action;
import dev.ferry.api.model.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.ferry.testing.spi.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CascadeOrderTest
{
    private static final TableSchema CUSTOMER = table("shop.customer").column("id", "int").nullable("referrer_id", "int").primaryKey("id")
            .foreignKey("fk_referrer", List.of("referrer_id"), "shop.customer", List.of("id"), Action.SET_NULL, Action.RESTRICT).build();
    private static final TableSchema ORDERS = table("shop.orders").column("id", "int").column("customer_id", "int").primaryKey("id")
            .foreignKey("fk_customer", List.of("customer_id"), "shop.customer", List.of("id"), Action.CASCADE, Action.CASCADE).build();
    private static final TableSchema LINE = table("shop.order_line").column("order_id", "int").column("line_no", "int").primaryKey("order_id", "line_no")
            .foreignKey("fk_order", List.of("order_id"), "shop.orders", List.of("id"), Action.CASCADE, Action.RESTRICT).build();
    private static final TableSchema SHIPMENT = table("shop.shipment").column("id", "int").column("order_id", "int").column("line_no", "int")
            .primaryKey("id")
            .foreignKey("fk_line", List.of("order_id", "line_no"), "shop.order_line", List.of("order_id", "line_no"), Action.RESTRICT, Action.CASCADE)
            .build();
    private static final TableSchema AUDIT = table("shop.audit").column("id", "int").column("order_id", "int").primaryKey("id")
            .foreignKey("fk_audit", List.of("order_id"), "shop.orders", List.of("id"), Action.RESTRICT, Action.RESTRICT).build();

    @Test
    void grandchildrenWaitForTheirCascadingParentsCopiedEarlier()
    {
        // customer is a cascading child of itself (a delete cascades through customer rows into orders)
        assertEquals(Map.of(LINE.name(), List.of(ORDERS.name()), SHIPMENT.name(), List.of(LINE.name()), ORDERS.name(), List.of(CUSTOMER.name())),
                CascadeOrder.waits(List.of(CUSTOMER, ORDERS, LINE, SHIPMENT, AUDIT)));
    }

    @Test
    void noWaitWithoutCascadesOrForLaterTables()
    {
        TableSchema plainOrders = table("shop.orders").column("id", "int").column("customer_id", "int").primaryKey("id")
                .foreignKey("fk_customer", List.of("customer_id"), "shop.customer", List.of("id")).build();
        // order_line's parent orders is no cascading child: order_line's cascades are one level deep
        assertEquals(Map.of(), CascadeOrder.waits(List.of(plainOrders, LINE, AUDIT)));
        // children first in the copy order: nothing to wait for (never a task waiting for a later one)
        assertEquals(Map.of(), CascadeOrder.waits(List.of(SHIPMENT, LINE, ORDERS)));
    }

    @Test
    void tablesACascadeReachesThroughAnotherTablesRowsAreCopiedAsResyncs()
    {
        // order_line: a customer's delete deletes its orders, and their lines through them; orders is
        // reached directly (customer's own cascade sets referrer_id, which orders does not reference);
        // shipment's lines are deleted only where it has no row (RESTRICT)
        assertEquals(Set.of(LINE.name()), CascadeOrder.reachedThroughOthers(List.of(CUSTOMER, ORDERS, LINE, SHIPMENT, AUDIT)));
        TableSchema cascadingLine = table("shop.order_line").column("order_id", "int").column("line_no", "int").primaryKey("order_id", "line_no")
                .foreignKey("fk_order", List.of("order_id"), "shop.orders", List.of("id"), Action.CASCADE, Action.CASCADE).build();
        // a re-keyed order re-keys its lines, and their shipments through them
        assertEquals(Set.of(SHIPMENT.name()), CascadeOrder.reachedThroughOthers(List.of(ORDERS, cascadingLine, SHIPMENT)));
        // a tree: a deleted node's grandchildren are found through its children
        TableSchema tree = table("shop.node").column("id", "int").nullable("parent_id", "int").primaryKey("id")
                .foreignKey("fk_parent", List.of("parent_id"), "shop.node", List.of("id"), Action.CASCADE, Action.RESTRICT).build();
        assertEquals(Set.of(tree.name()), CascadeOrder.reachedThroughOthers(List.of(tree)));
        // a column set to NULL by the parent's own key, referenced with ON UPDATE CASCADE
        TableSchema team = table("shop.team").column("id", "int").nullable("code", "varchar(10)").primaryKey("id").uniqueIndex("code", "code")
                .foreignKey("fk_code", List.of("code"), "shop.league", List.of("code"), Action.SET_NULL, Action.RESTRICT).build();
        TableSchema league = table("shop.league").column("id", "int").column("code", "varchar(10)").primaryKey("id").uniqueIndex("code", "code").build();
        TableSchema player = table("shop.player").column("id", "int").nullable("team_code", "varchar(10)").primaryKey("id")
                .foreignKey("fk_team", List.of("team_code"), "shop.team", List.of("code"), Action.RESTRICT, Action.CASCADE).build();
        assertEquals(Set.of(player.name()), CascadeOrder.reachedThroughOthers(List.of(league, team, player)));
        // not when the parent's table is not moved
        assertEquals(Set.of(), CascadeOrder.reachedThroughOthers(List.of(team, player)));
    }
}
