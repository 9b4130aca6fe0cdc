package dev.ferry.runtime.apply;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.ForeignKey.Action;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.ferry.testing.spi.TestingTables.row;
import static dev.ferry.testing.spi.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CascadesTest
{
    private static final PositionPair POSITION = PositionPair.at(new BinlogPosition("binlog.000001", 4, null));

    // customer (id, code UNIQUE, name); orders -> customer(id) ON DELETE CASCADE ON UPDATE CASCADE;
    // notes -> customer(code) ON DELETE SET NULL; audit -> customer(id) RESTRICT;
    // lines (order_id, no) -> orders(id) ON DELETE CASCADE; tags -> lines(order_id, no) ON DELETE CASCADE
    private static final TableSchema CUSTOMER = table("db.customer").column("id", "int").column("code", "varchar(8)").column("name", "varchar(20)")
            .primaryKey("id").uniqueIndex("code", "code").build();
    private static final TableSchema ORDERS = table("db.orders").column("id", "int").nullable("customer_id", "int").primaryKey("id")
            .foreignKey("fk_customer", List.of("customer_id"), "db.customer", List.of("id"), Action.CASCADE, Action.CASCADE).build();
    private static final TableSchema NOTES = table("db.notes").column("id", "int").nullable("customer_code", "varchar(8)").primaryKey("id")
            .foreignKey("fk_code", List.of("customer_code"), "db.customer", List.of("code"), Action.SET_NULL, Action.RESTRICT).build();
    private static final TableSchema AUDIT = table("db.audit").column("id", "int").column("customer_id", "int").primaryKey("id")
            .foreignKey("fk_audit", List.of("customer_id"), "db.customer", List.of("id"), Action.RESTRICT, Action.NO_ACTION).build();
    private static final TableSchema LINES = table("db.lines").column("order_id", "int").column("no", "int").primaryKey("order_id", "no")
            .foreignKey("fk_order", List.of("order_id"), "db.orders", List.of("id"), Action.CASCADE, Action.RESTRICT).build();
    private static final TableSchema TAGS = table("db.tags").column("id", "int").column("order_id", "int").column("no", "int").primaryKey("id")
            .foreignKey("fk_line", List.of("order_id", "no"), "db.lines", List.of("order_id", "no"), Action.CASCADE, Action.CASCADE).build();
    private static final TableSchema PLAIN = table("db.plain").column("id", "int").primaryKey("id").build();

    private final Cascades cascades = new Cascades(List.of(CUSTOMER, ORDERS, NOTES, AUDIT, LINES, TAGS, PLAIN));

    @Test
    void deletesOfTablesReferencedWithCascadeOrSetNullNeedTheCascade()
    {
        assertTrue(cascades.needsCascade(delete(CUSTOMER, row("1", "c1", "x"))));
        assertTrue(cascades.needsCascade(delete(ORDERS, row("7", "1"))));
        assertTrue(cascades.needsCascade(delete(LINES, row("7", "1"))));
        // nothing references them, or only with RESTRICT
        assertFalse(cascades.needsCascade(delete(TAGS, row("1", "7", "1"))));
        assertFalse(cascades.needsCascade(delete(PLAIN, row("1"))));
        assertFalse(cascades.needsCascade(insert(CUSTOMER, row("1", "c1", "x"))));
    }

    @Test
    void updatesNeedTheCascadeOnlyWhenACascadingReferencedColumnChanges()
    {
        // id is referenced ON UPDATE CASCADE by orders
        assertTrue(cascades.needsCascade(update(CUSTOMER, row("1", "c1", "x"), row("2", "c1", "x"))));
        // code is referenced ON UPDATE RESTRICT only: the source allowed it, so nothing referenced the old code
        assertFalse(cascades.needsCascade(update(CUSTOMER, row("1", "c1", "x"), row("1", "c9", "x"))));
        assertFalse(cascades.needsCascade(update(CUSTOMER, row("1", "c1", "x"), row("1", "c1", "y"))));
        // lines' key is referenced ON UPDATE CASCADE by tags
        assertTrue(cascades.needsCascade(update(LINES, row("7", "1"), row("7", "2"))));
        // orders' id is referenced ON UPDATE RESTRICT by lines
        assertFalse(cascades.needsCascade(update(ORDERS, row("7", "1"), row("8", "1"))));
    }

    @Test
    void changedCascadingColumnsAreThoseThatDiffer()
    {
        assertArrayEquals(new int[] {0}, cascades.cascadingUpdateColumns(CUSTOMER));
        assertArrayEquals(new int[] {0, 1}, cascades.cascadingUpdateColumns(LINES));
        assertArrayEquals(new int[] {1}, Cascades.changed(new int[] {0, 1}, row("7", "1"), row("7", "2")));
        assertArrayEquals(new int[] {}, Cascades.changed(new int[] {0, 1}, row("7", "1"), row("7", "1")));
        assertArrayEquals(new int[] {0}, Cascades.changed(new int[] {0}, row((String) null), row("1")));
    }

    @Test
    void reachableChildrenFollowEveryActingForeignKeyTransitively()
    {
        assertEquals(Set.of(name("db.orders"), name("db.notes"), name("db.lines"), name("db.tags")), cascades.reachableChildren(name("db.customer")));
        assertEquals(Set.of(name("db.lines"), name("db.tags")), cascades.reachableChildren(name("db.orders")));
        assertEquals(Set.of(), cascades.reachableChildren(name("db.audit")));
        assertTrue(cascades.hasCascadingChildren(name("db.customer")));
        assertFalse(cascades.hasCascadingChildren(name("db.plain")));
    }

    @Test
    void selfReferenceAndCycleReachThemselves()
    {
        TableSchema tree = table("db.tree").column("id", "int").nullable("parent_id", "int").primaryKey("id")
                .foreignKey("fk_parent", List.of("parent_id"), "db.tree", List.of("id"), Action.CASCADE, Action.RESTRICT).build();
        TableSchema store = table("db.store").column("id", "int").nullable("manager_id", "int").primaryKey("id")
                .foreignKey("fk_manager", List.of("manager_id"), "db.staff", List.of("id"), Action.SET_NULL, Action.CASCADE).build();
        TableSchema staff = table("db.staff").column("id", "int").column("store_id", "int").primaryKey("id")
                .foreignKey("fk_store", List.of("store_id"), "db.store", List.of("id"), Action.RESTRICT, Action.CASCADE).build();
        Cascades cyclic = new Cascades(List.of(tree, store, staff));
        assertEquals(Set.of(name("db.tree")), cyclic.reachableChildren(name("db.tree")));
        assertEquals(Set.of(name("db.store"), name("db.staff")), cyclic.reachableChildren(name("db.staff")));
        assertTrue(cyclic.needsCascade(delete(staff, row("1", "1"))));
        // store is referenced by staff with ON DELETE RESTRICT only
        assertFalse(cyclic.needsCascade(delete(store, row("1", null))));
        assertTrue(cyclic.needsCascade(update(store, row("1", null), row("2", null))));
    }

    @Test
    void keyAfterTheOtherColumnsTakesTheOldValueOnlyForChangedReferencedColumns()
    {
        // key (a, b); b is referenced and changes, a changes too but is not referenced
        Row mid = CascadingApply.keyAfterRest(new int[] {0, 1}, new int[] {1}, row("1", "2", "x"), row("5", "6", "y"));
        assertEquals("5", mid.text(0, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("2", mid.text(1, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static TableName name(String name)
    {
        return TableName.parse(name);
    }

    private static RowEvent insert(TableSchema table, Row after)
    {
        return new RowEvent(RowEvent.Type.INSERT, table, null, after, POSITION);
    }

    private static RowEvent delete(TableSchema table, Row before)
    {
        return new RowEvent(RowEvent.Type.DELETE, table, before, null, POSITION);
    }

    private static RowEvent update(TableSchema table, Row before, Row after)
    {
        return new RowEvent(RowEvent.Type.UPDATE, table, before, after, POSITION);
    }
}
