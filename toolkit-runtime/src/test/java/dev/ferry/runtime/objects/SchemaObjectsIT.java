package dev.ferry.runtime.objects;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@RealServers
class SchemaObjectsIT
{
    @Test
    void movesViewsTriggersRoutinesAndEventsWhileTheTriggersFire(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, amount INT NOT NULL)",
                "CREATE TABLE audit (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id INT NOT NULL, amount INT NOT NULL)",
                "CREATE TABLE fired (name VARCHAR(32) NOT NULL PRIMARY KEY, n BIGINT NOT NULL)",
                // before the triggers: MariaDB 11.4 refuses this INSERT ... SELECT from a sequence table
                // once an AFTER INSERT trigger reads NEW ("Column 'amount' cannot be null")
                "INSERT INTO orders (amount) SELECT seq % 100 FROM seq_1_to_2000",
                "CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW BEGIN "
                        + "INSERT INTO audit (order_id, amount) VALUES (NEW.id, NEW.amount); "
                        + "INSERT INTO fired VALUES ('orders_ai', 1) ON DUPLICATE KEY UPDATE n = n + 1; END",
                "CREATE TRIGGER orders_bu BEFORE UPDATE ON orders FOR EACH ROW SET NEW.amount = GREATEST(NEW.amount, 0)",
                "CREATE VIEW v_orders AS SELECT id, amount FROM orders WHERE amount > 10",
                // sorts before the view it reads, so its creation has to wait for it
                "CREATE VIEW v_big AS SELECT id FROM `" + db.name() + "`.v_orders WHERE amount > 50",
                "CREATE PROCEDURE add_order(a INT) INSERT INTO orders (amount) VALUES (a)",
                "CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
                "CREATE EVENT ev_cleanup ON SCHEDULE EVERY 1 HOUR DISABLE DO DELETE FROM audit WHERE amount < 0");
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(), "copy:\n  rangeSize: 1000\n  batchSize: 200\n"))) {
            ExecutorService executor = Executors.newFixedThreadPool(2);
            Future<RunResult> run = executor.submit(() -> ferry.run());
            AtomicBoolean writing = new AtomicBoolean(true);
            Future<Integer> writer = executor.submit(() -> {
                int calls = 0;
                try (Connection connection = db.source().openAdmin(db.name()); Statement statement = connection.createStatement()) {
                    while (writing.get()) {
                        statement.execute("CALL add_order(" + (calls % 120) + ")");
                        if (calls % 10 == 0) {
                            statement.execute("UPDATE orders SET amount = amount - 5 WHERE id = " + (1 + calls % 2000));
                        }
                        calls++;
                        Thread.sleep(2);
                    }
                }
                return calls;
            });
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(100);
            }
            // objects that change during the run end as on the source
            db.executeOnSource(
                    "CREATE OR REPLACE VIEW v_orders AS SELECT id, amount FROM orders WHERE amount > 20",
                    "CREATE PROCEDURE late_proc() SELECT 1",
                    "DROP FUNCTION double_it");
            Thread.sleep(500);
            writing.set(false);
            assertTrue(writer.get() > 0);
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        // the target's trigger did not fire while ferry applied the rows the source's trigger wrote
        assertEquals(db.source().queryLong("SELECT n FROM `" + db.name() + "`.fired"), db.target().queryLong("SELECT n FROM `" + db.name() + "`.fired"));
        for (String sql : definitionQueries(db.name())) {
            assertEquals(db.source().query(sql), db.target().query(sql), sql);
        }
        assertEquals(2,
                db.target().queryLong("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + db.name() + "'"));
        // and it fires on the target once the target is in use
        long audited = db.target().queryLong("SELECT COUNT(*) FROM `" + db.name() + "`.audit");
        db.executeOnTarget("INSERT INTO orders (amount) VALUES (7)");
        assertEquals(audited + 1, db.target().queryLong("SELECT COUNT(*) FROM `" + db.name() + "`.audit"));
    }

    @Test
    void aDefinerTheTargetLacksStopsTheRunBeforeTheCopyUntilTheDefinerIsRewritten(TestDatabase db)
            throws Exception
    {
        String definer = "nobody_" + Long.toHexString(System.nanoTime() & 0xffffff);
        db.executeOnSource(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO t SELECT seq, seq FROM seq_1_to_100",
                "CREATE DEFINER = `" + definer + "`@`%` SQL SECURITY INVOKER VIEW v AS SELECT id FROM t");
        String yaml = TestingFerry.config(db.servers(), db.name(), "cutover:\n  automatic: true\n");
        FerryException error = assertThrows(FerryException.class, () -> TestingFerry.run(db.servers(), yaml));
        assertTrue(error.getMessage().contains("view " + db.name() + ".v (DEFINER " + definer + "@%: no such account on the target)"), error.getMessage());
        assertTrue(error.getMessage().contains("schemaObjects.definer: target-user"), error.getMessage());
        assertEquals(0, db.target().queryLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db.name() + "'"),
                "nothing is written before the error");

        RunResult result = TestingFerry.run(db.servers(), yaml + "schemaObjects:\n  definer: target-user\n");
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        assertEquals(List.of(List.of(db.target().user() + "@%")),
                db.target().query("SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + db.name() + "'"));
    }

    private static List<String> definitionQueries(String database)
    {
        return List.of(
                "SELECT TABLE_NAME, VIEW_DEFINITION, SECURITY_TYPE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + database + "' ORDER BY 1",
                "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT FROM information_schema.TRIGGERS "
                        + "WHERE TRIGGER_SCHEMA = '" + database + "' ORDER BY 1",
                "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION, SQL_MODE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + database + "' ORDER BY 1",
                "SELECT EVENT_NAME, EVENT_DEFINITION, STATUS, INTERVAL_VALUE, INTERVAL_FIELD FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '" + database + "' ORDER BY 1");
    }

}
