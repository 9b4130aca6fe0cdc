package dev.ferry.plugins.filters;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@RealServers
class ShardingCopyFilterIT
{
    @Test
    void movesOneTenantWhileAllTenantsWrite(TestDatabase db)
            throws Exception
    {
        TestingTenants tenants = new TestingTenants(db);
        tenants.create();
        String d = db.name();
        String yaml = TestingRun.config(db.servers(), d, """
                copyFilter:
                  type: sharding
                  shardingKey: tenant_id
                  values: [%2$d]
                  joinedTables:
                    %1$s.order_items: {joinColumn: order_id, through: %1$s.orders, throughColumn: id}
                  primaryKeyTables: [%1$s.countries]
                verifier:
                  type: iterative
                copy:
                  batchSize: 50
                  concurrency: 2
                  rangeSize: 1000
                """.formatted(d, TestingTenants.MOVED));

        RunResult result = run(db, tenants, yaml);

        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        assertFalse(result.verification().failed(), result.verification().message());
        assertTrue(tenants.moves() > 20, "rows moved between tenants: " + tenants.moves());
        assertTrue(result.eventsApplied() > 0, "binlog events applied: " + result.eventsApplied());
        int accounts = TestingTenants.assertSameRows(db, "SELECT * FROM accounts WHERE tenant_id = 7 ORDER BY id", "SELECT * FROM accounts ORDER BY id");
        int orders = TestingTenants.assertSameRows(db, "SELECT * FROM orders WHERE tenant_id = 7 ORDER BY id", "SELECT * FROM orders ORDER BY id");
        int items = TestingTenants.assertSameRows(db,
                "SELECT * FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE tenant_id = 7) ORDER BY id",
                "SELECT * FROM order_items ORDER BY id");
        int countries = TestingTenants.assertSameRows(db, "SELECT * FROM countries ORDER BY code", "SELECT * FROM countries ORDER BY code");
        assertTrue(accounts > 5 && orders > 10 && items > 20, "tenant 7: " + accounts + " accounts, " + orders + " orders, " + items + " items");
        assertEquals(20, countries);
        System.out.printf("[sharding IT] %d workload operations (%d tenant moves); target: %d accounts, %d orders, %d items, %d countries; "
                + "copied %d rows, applied %d events; %s%n", tenants.operations(), tenants.moves(), accounts, orders, items, countries,
                result.rowsCopied(), result.eventsApplied(), result.verification().message());
    }

    /**
     * Starts the workload, runs ferry until it waits for the cutover, lets the workload go on a
     * little, stops it and cuts over.
     */
    static RunResult run(TestDatabase db, TestingTenants tenants, String yaml)
            throws Exception
    {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        tenants.start(7);
        try (Ferry ferry = TestingRun.create(db.servers(), yaml)) {
            Thread.sleep(300);
            Future<RunResult> run = executor.submit(ferry::run);
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(100);
            }
            Thread.sleep(3000);
            tenants.stop();
            ferry.requestCutover();
            return run.get();
        }
        finally {
            tenants.stop();
            executor.shutdownNow();
        }
    }
}
