package dev.ferry.runtime.schema;

import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ferry.runtime.schema.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CreationOrderTest
{
    @Test
    void withoutForeignKeysTablesComeByName()
    {
        List<TableSchema> tables = List.of(plain("db.c"), plain("db.a"), plain("other.a"), plain("db.b"));
        assertEquals(List.of("db.a", "db.b", "db.c", "other.a"), names(CreationOrder.order(tables, List.of())));
    }

    @Test
    void inferredOrderPutsReferencedTablesFirst()
    {
        // named so that alphabetical order is exactly wrong
        TableSchema grandchild = keyed("db.a_grandchild").references("db.b_child", "child_id").build();
        TableSchema child = keyed("db.b_child").references("db.c_parent", "parent_id").build();
        TableSchema parent = keyed("db.c_parent").build();
        TableSchema unrelated = keyed("db.d_unrelated").build();
        assertEquals(List.of("db.c_parent", "db.b_child", "db.a_grandchild", "db.d_unrelated"),
                names(CreationOrder.order(List.of(grandchild, unrelated, child, parent), List.of())));
    }

    @Test
    void inferredOrderHandlesSeveralParentsAndCrossDatabaseReferences()
    {
        TableSchema orders = keyed("shop.orders").references("shop.users", "user_id").references("ref.countries", "country_id").build();
        TableSchema users = keyed("shop.users").references("ref.countries", "country_id").build();
        TableSchema countries = keyed("ref.countries").build();
        List<String> order = names(CreationOrder.order(List.of(orders, users, countries), List.of()));
        assertEquals(List.of("ref.countries", "shop.users", "shop.orders"), order);
    }

    @Test
    void selfReferencesAndReferencesToTablesNotCopiedAreIgnored()
    {
        TableSchema tree = keyed("db.tree").references("db.tree", "parent_id").references("elsewhere.parent", "x_id").build();
        TableSchema leaf = keyed("db.leaf").references("db.tree", "tree_id").build();
        assertEquals(List.of("db.tree", "db.leaf"), names(CreationOrder.order(List.of(leaf, tree), List.of())));
    }

    @Test
    void configuredOrderComesFirstThenTheRestByName()
    {
        TableSchema child = keyed("db.child").references("db.parent", "parent_id").build();
        TableSchema parent = keyed("db.parent").build();
        TableSchema z = keyed("db.z").build();
        TableSchema a = keyed("db.a").build();
        List<String> order = names(CreationOrder.order(List.of(a, z, child, parent),
                List.of(TableName.parse("db.z"), TableName.parse("db.child"))));
        // the configured order wins, even against the foreign keys
        assertEquals(List.of("db.z", "db.child", "db.a", "db.parent"), order);
    }

    @Test
    void configuredOrderNamingAnUnknownTableFails()
    {
        SchemaException e = assertThrows(SchemaException.class,
                () -> CreationOrder.order(List.of(plain("db.a")), List.of(TableName.parse("db.missing"))));
        assertEquals("copy.tableCreationOrder lists db.missing, which is not among the tables to copy", e.getMessage());
    }

    @Test
    void cycleIsBrokenAtTheTableReachedFirstByName()
    {
        // Sakila: store.manager_staff_id -> staff, staff.store_id -> store
        TableSchema store = keyed("sakila.store").references("sakila.staff", "manager_staff_id").build();
        TableSchema staff = keyed("sakila.staff").references("sakila.store", "store_id").build();
        TableSchema payment = keyed("sakila.payment").references("sakila.staff", "staff_id").build();
        assertEquals(List.of("sakila.store", "sakila.staff", "sakila.payment"), names(CreationOrder.order(List.of(store, staff, payment), List.of())));
    }

    @Test
    void longerCycleKeepsEveryTableOnceAndTheRestOfTheOrder()
    {
        TableSchema entry = keyed("db.a_entry").references("db.b", "b_id").build();
        TableSchema b = keyed("db.b").references("db.c", "c_id").build();
        TableSchema c = keyed("db.c").references("db.d", "d_id").build();
        TableSchema d = keyed("db.d").references("db.b", "b_id").build();
        TableSchema leaf = keyed("db.a_leaf").references("db.a_entry", "entry_id").build();
        List<String> order = names(CreationOrder.order(List.of(leaf, entry, b, c, d), List.of()));
        assertEquals(List.of("db.d", "db.c", "db.b", "db.a_entry", "db.a_leaf"), order);
    }

    @Test
    void configuredOrderAllowsCycles()
    {
        TableSchema a = keyed("db.a").references("db.b", "b_id").build();
        TableSchema b = keyed("db.b").references("db.a", "a_id").build();
        assertEquals(List.of("db.b", "db.a"), names(CreationOrder.order(List.of(a, b), List.of(TableName.parse("db.b")))));
    }

    private static TestingTables keyed(String name)
    {
        return table(name).column("id", "int(11)", false).primaryKey("id");
    }

    private static TableSchema plain(String name)
    {
        return keyed(name).build();
    }

    private static List<String> names(List<TableSchema> tables)
    {
        return tables.stream().map(table -> table.name().toString()).toList();
    }
}
