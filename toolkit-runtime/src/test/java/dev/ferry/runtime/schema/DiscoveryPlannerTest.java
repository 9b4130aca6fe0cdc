package dev.ferry.runtime.schema;

import dev.ferry.api.model.ForeignKey.Action;
import dev.ferry.api.model.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ferry.testing.spi.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DiscoveryPlannerTest
{
    @Test
    void namesTheForeignKeysWhoseActionsChangeChildRowsAndThoseWhoseParentIsNotMoved()
    {
        TableSchema customers = table("shop.customers").column("id", "int").primaryKey("id").build();
        TableSchema orders = table("shop.orders").column("id", "int").column("customer_id", "int").column("parent_id", "int").primaryKey("id")
                .foreignKey("fk_customer", List.of("customer_id"), "shop.customers", List.of("id"), Action.CASCADE, Action.RESTRICT)
                .foreignKey("fk_parent", List.of("parent_id"), "shop.orders", List.of("id"), Action.RESTRICT, Action.NO_ACTION)
                .build();
        TableSchema items = table("shop.items").column("id", "int").column("order_id", "int").primaryKey("id")
                .foreignKey("fk_order", List.of("order_id"), "shop.orders", List.of("id"), Action.SET_NULL, Action.CASCADE)
                .foreignKey("fk_warehouse", List.of("order_id"), "stock.warehouses", List.of("id"), Action.CASCADE, Action.CASCADE)
                .foreignKey("fk_catalog", List.of("order_id"), "stock.catalog", List.of("id"), Action.RESTRICT, Action.RESTRICT)
                .build();

        assertEquals(
                List.of("shop.orders.fk_customer (ON DELETE CASCADE, ON UPDATE RESTRICT)", "shop.items.fk_order (ON DELETE SET_NULL, ON UPDATE CASCADE)"),
                DiscoveryPlanner.cascadingForeignKeys(List.of(customers, orders, items), false));
        // the cascades ferry cannot see: their parent table is not moved
        assertEquals(List.of("shop.items.fk_warehouse (ON DELETE CASCADE, ON UPDATE CASCADE)"),
                DiscoveryPlanner.cascadingForeignKeys(List.of(customers, orders, items), true));
        assertEquals(List.of(), DiscoveryPlanner.cascadingForeignKeys(List.of(customers, orders), true));
    }
}
