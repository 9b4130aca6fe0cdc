package dev.ferry.runtime.state;

import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StateCompatibilityTest
{
    private static final TableName ITEMS = new TableName("shop", "items");
    private static final TableName ORDERS = new TableName("shop", "orders");
    private static final TableName USERS = new TableName("shop", "users");
    private static final FerryState SAVED = new FerryState(1, "0.1.0", "cfg-a", 7, "copying",
            Map.of(ITEMS, "fp-items", ORDERS, "fp-orders"),
            Map.of(ITEMS, table(), ORDERS, table()),
            null, null, Instant.EPOCH);

    @Test
    void acceptsTheSameConfigAndSchema()
    {
        assertEquals(List.of(), StateCompatibility.check(SAVED, "cfg-a", Map.of(ITEMS, "fp-items", ORDERS, "fp-orders"), false));
    }

    @Test
    void acceptsTablesCreatedSinceTheStateWasSaved()
    {
        assertEquals(List.of(), StateCompatibility.check(SAVED, "cfg-a", Map.of(ITEMS, "fp-items", ORDERS, "fp-orders", USERS, "fp-users"), false));
    }

    @Test
    void refusesAnotherConfigAlone()
    {
        assertEquals(List.of("the state was written for a different config (fingerprint cfg-a ≠ cfg-b): resume with the config that wrote it, "
                        + "or start over with a new state location"),
                StateCompatibility.check(SAVED, "cfg-b", Map.of(), false));
    }

    @Test
    void namesEveryChangedOrVanishedTableWhenSchemaReplicationIsOff()
    {
        assertEquals(List.of(
                        "table shop.items changed on the source since the state was saved (schema fingerprint fp-items ≠ fp-items-2) "
                                + "and schema replication is off: restore its structure, or start over with a new state location",
                        "table shop.orders is in the state but no longer on the source (dropped or renamed while ferry was stopped, "
                                + "and schema replication is off): restore it, or start over with a new state location"),
                StateCompatibility.check(SAVED, "cfg-a", Map.of(ITEMS, "fp-items-2", USERS, "fp-users"), false));
    }

    @Test
    void leavesSchemaChangesToReplicationWhenItIsOn()
    {
        assertEquals(List.of(), StateCompatibility.check(SAVED, "cfg-a", Map.of(ITEMS, "fp-items-2"), true));
    }

    private static TableCopyState table()
    {
        return new TableCopyState(List.of(new RangeState(null, null, null, false)), false, 0);
    }
}
