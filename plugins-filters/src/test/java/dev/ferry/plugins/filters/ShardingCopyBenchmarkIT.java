package dev.ferry.plugins.filters;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The figure for the sharding filter's pagination: moving one tenant of 100 out of a table of
 * 1,000,000 rows (tenants interleaved over the primary key), with the {@code (tenant_id)} index
 * and without it. Prints the copy rate and the rows the source's handlers read (global
 * {@code Handler_read%} deltas, so other clients of the server add noise: an idle interval of the
 * same length is measured for comparison). Opt-in, it needs a MariaDB source (sequence engine):
 * {@code -Dit.test=ShardingCopyBenchmarkIT -Dferry.benchmark=true}.
 */
@RealServers
@EnabledIfSystemProperty(named = "ferry.benchmark", matches = "true")
class ShardingCopyBenchmarkIT
{
    private static final int ROWS = 1_000_000;
    private static final int TENANTS = 100;
    private static final int MOVED = 42;

    @Test
    void movesOneTenantOfAHundred(TestDatabase db)
            throws Exception
    {
        MySqlServer source = db.source();
        source.executeIn(db.name(),
                "CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, tenant_id INT NOT NULL, name VARCHAR(64) NOT NULL, "
                        + "amount DECIMAL(12,2) NOT NULL, created_at DATETIME NOT NULL, KEY tenant (tenant_id))",
                // the load stays out of the binlog: the move starts after it
                "SET SESSION sql_log_bin = 0",
                "INSERT INTO big SELECT seq, seq % " + TENANTS + ", CONCAT('row-', seq), seq / 100, '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_" + ROWS,
                "ANALYZE TABLE big");

        measure(db, "with index (tenant_id)");
        db.executeOnTarget("DROP TABLE big");
        source.executeIn(db.name(), "ALTER TABLE big DROP INDEX tenant", "ANALYZE TABLE big");
        measure(db, "without index");
    }

    private static void measure(TestDatabase db, String label)
            throws Exception
    {
        String yaml = TestingRun.config(db.servers(), db.name(), """
                copyFilter:
                  type: sharding
                  shardingKey: tenant_id
                  values: [%d]
                cutover:
                  automatic: true
                """.formatted(MOVED));
        Map<String, Long> before = handlerReads(db.source());
        long started = System.nanoTime();
        RunResult result;
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = TestingRun.create(db.servers(), yaml)) {
            Future<RunResult> run = executor.submit(ferry::run);
            result = run.get();
        }
        finally {
            executor.shutdownNow();
        }
        long elapsedNanos = System.nanoTime() - started;
        Map<String, Long> during = delta(before, handlerReads(db.source()));
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        assertEquals(ROWS / TENANTS, result.rowsCopied());

        Map<String, Long> idleBefore = handlerReads(db.source());
        Thread.sleep(elapsedNanos / 1_000_000);
        Map<String, Long> idle = delta(idleBefore, handlerReads(db.source()));

        System.out.printf("[benchmark] %s: copied %d of %d rows in %d ms (%.0f rows/s; whole run %d ms)%n", label, result.rowsCopied(), ROWS,
                result.copyElapsed().toMillis(), result.copyRowsPerSecond(), elapsedNanos / 1_000_000);
        System.out.printf("[benchmark] %s: source Handler_read%% during the run: %s, total %d%n", label, during, total(during));
        System.out.printf("[benchmark] %s: source Handler_read%% over an idle interval as long: %s, total %d%n", label, idle, total(idle));
    }

    private static Map<String, Long> handlerReads(MySqlServer server)
    {
        Map<String, Long> result = new LinkedHashMap<>();
        for (List<String> row : server.query("SHOW GLOBAL STATUS LIKE 'Handler_read%'")) {
            result.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return result;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after)
    {
        Map<String, Long> result = new LinkedHashMap<>();
        after.forEach((name, value) -> {
            long difference = value - before.getOrDefault(name, 0L);
            if (difference != 0) {
                result.put(name.substring("Handler_read_".length()), difference);
            }
        });
        return result;
    }

    private static long total(Map<String, Long> reads)
    {
        return reads.values().stream().mapToLong(Long::longValue).sum();
    }
}
