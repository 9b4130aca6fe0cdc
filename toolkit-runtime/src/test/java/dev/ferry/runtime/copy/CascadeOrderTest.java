package dev.ferry.runtime.copy;

import dev.ferry.api.model.ForeignKey.Action;
import dev.ferry.api.model.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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
}
