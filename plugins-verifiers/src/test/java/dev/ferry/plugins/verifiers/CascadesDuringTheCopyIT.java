package dev.ferry.plugins.verifiers;

import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reproduced foreign-key cascades that reach child rows while the copy of their table, or of the
 * table the cascade joins through, is not done. Each case is made certain by a row lock that holds
 * the copy of a middle key range of {@code order_line} (its {@code LOCK IN SHARE MODE} read waits)
 * while the source changes around it, and ends with the verifier's match and equal tables.
 */
@RealServers
class CascadesDuringTheCopyIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * An {@code ON UPDATE CASCADE} that moves child rows the copy has not read yet to keys in key
     * ranges the copy has already finished: the target never had the rows under their old key, so
     * the derived {@code UPDATE} finds nothing to move, and the copy, past those keys, does not read
     * them under the new one. Found by CascadesIT in CI (a shipment row left on the target after its
     * order was re-keyed and deleted). The two orders are re-keyed one to a key past the last
     * range's end, one to a free key in the first range, and the second is deleted after the copy.
     */
    @Test
    void rekeyedChildRowsReachTheTargetWhenTheirNewKeysWereCopiedAlready(TestDatabase db)
            throws Exception
    {
        createSchema(db);
        db.executeOnSource(
                // a free key in the first range
                "DELETE FROM orders WHERE id = 5");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection locker = db.source().openAdmin(db.name());
                Ferry ferry = InProcessFerry.create(db, config(db))) {
            Future<RunResult> run = startHoldingARange(db, locker, ferry, executor, "3200, 3201", 3200);
            try (Statement statement = locker.createStatement()) {
                statement.executeUpdate("UPDATE orders SET id = 90000 WHERE id = 3200");
                statement.executeUpdate("UPDATE orders SET id = 5 WHERE id = 3201");
            }
            locker.commit();
            InProcessFerry.awaitWaitingForCutover(ferry, run, TIMEOUT);
            // after the copy: the applier finds shipment 3201 through its line only if the line arrived
            db.executeOnSource("DELETE FROM orders WHERE id = 5");
            cutOver(ferry, run);
        }
        finally {
            executor.shutdownNow();
        }
        db.assertTargetEqualsSource();
        assertEquals(List.of(List.of("90000", "1"), List.of("90000", "2")), db.target().query("SELECT order_id, line_no FROM `" + db.name()
                + "`.order_line WHERE order_id = 90000 ORDER BY line_no"));
    }

    /**
     * Shipment rows inserted after the binlog position the move starts from, for lines inserted
     * before it: the applier writes the shipments from the start, the lines arrive only with the
     * copy. A cascade that reaches the shipments through their lines (a re-keyed order, a deleted
     * order) before the copy of the lines finds no line on the target, so the derived statements
     * leave the shipments as they were: one with its old order id, one that the source deleted.
     * Found by CascadesIT with a fast writer ({@code -Dferry.cascades.pauseMillis=0}). The shipment
     * table, reached through order_line, is copied in resync mode, which overwrites the first and
     * deletes the second.
     */
    @Test
    void rowsTheApplierWroteBeforeTheirParentsWereCopiedFollowTheCascadesThatReachThem(TestDatabase db)
            throws Exception
    {
        createSchema(db);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection locker = db.source().openAdmin(db.name());
                Ferry ferry = InProcessFerry.create(db, config(db))) {
            // the copy of the range of order 3200 waits there, before the lines of orders 3210 and 3220
            Future<RunResult> run = startHoldingARange(db, locker, ferry, executor, "3200", 3210);
            db.executeOnSource(
                    "INSERT INTO shipment VALUES (100001, 3210, 2), (100002, 3220, 2)",
                    "DELETE FROM orders WHERE id = 3220",
                    "UPDATE orders SET id = 90000 WHERE id = 3210");
            // the applier wrote the shipments and reproduced the cascades (the last one moved order 3210)
            // while the lines were not on the target
            awaitOnTarget(db, "SELECT COUNT(*) FROM orders WHERE id = 90000", run);
            assertEquals(1, count(db, "SELECT COUNT(*) FROM shipment WHERE id = 100002"), "the shipment the source deleted is still on the target");
            locker.commit();
            InProcessFerry.awaitWaitingForCutover(ferry, run, TIMEOUT);
            cutOver(ferry, run);
        }
        finally {
            executor.shutdownNow();
        }
        db.assertTargetEqualsSource();
        assertEquals(List.of(List.of("3210", "90000"), List.of("100001", "90000")),
                db.target().query("SELECT id, order_id FROM `" + db.name() + "`.shipment WHERE id IN (3210, 100001, 100002) ORDER BY id"));
    }

    /**
     * Starts {@code ferry} while {@code locker} holds the lines of {@code lockedOrders}: the copy's
     * read of them ({@code LOCK IN SHARE MODE}) waits for the lock; returns once every other range
     * is copied and the lines of {@code waitingOrder} are still not on the target.
     */
    private static Future<RunResult> startHoldingARange(TestDatabase db, Connection locker, Ferry ferry, ExecutorService executor, String lockedOrders,
            int waitingOrder)
            throws Exception
    {
        locker.setAutoCommit(false);
        try (Statement statement = locker.createStatement()) {
            statement.executeQuery("SELECT * FROM order_line WHERE order_id IN (" + lockedOrders + ") FOR UPDATE").close();
        }
        Future<RunResult> run = executor.submit(() -> ferry.run());
        awaitOnTarget(db, "SELECT COUNT(*) FROM order_line WHERE order_id = 6000", run);
        assertEquals(0, count(db, "SELECT COUNT(*) FROM order_line WHERE order_id = " + waitingOrder), "the middle range must still wait");
        return run;
    }

    private static void createSchema(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, note VARCHAR(10) NOT NULL)",
                "CREATE TABLE order_line (order_id INT NOT NULL, line_no INT NOT NULL, qty INT NOT NULL, PRIMARY KEY (order_id, line_no), "
                        + "CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "CREATE TABLE shipment (id INT NOT NULL PRIMARY KEY, order_id INT NOT NULL, line_no INT NOT NULL, "
                        + "CONSTRAINT fk_line FOREIGN KEY (order_id, line_no) REFERENCES order_line (order_id, line_no) ON DELETE CASCADE ON UPDATE CASCADE)",
                "INSERT INTO orders SELECT seq, 'o' FROM seq_1_to_6000",
                "INSERT INTO order_line SELECT o.id, l.seq, l.seq FROM orders o JOIN seq_1_to_2 l",
                "INSERT INTO shipment SELECT id, id, 1 FROM orders");
    }

    private static String config(TestDatabase db)
    {
        return InProcessFerry.servers(db)
                + "tableFilter: {type: testing-databases, databases: [\"" + db.name() + "\"]}\n"
                + "copy: {batchSize: 50, concurrency: 2, rangeSize: 1000}\n"
                + "replication: {batchSize: 50, heartbeat: 1s}\n"
                + "verifier: {type: iterative, batchSize: 300}\n"
                + "cutover: {automatic: false}\n"
                + "control: {enabled: false}\n";
    }

    private static void cutOver(Ferry ferry, Future<RunResult> run)
            throws Exception
    {
        ferry.requestCutover();
        RunResult result = run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        VerificationResult verification = result.verification();
        assertEquals(VerificationResult.Status.MATCH, verification.status(), verification.message());
    }

    private static void awaitOnTarget(TestDatabase db, String countSql, Future<RunResult> run)
            throws Exception
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                throw new AssertionError("ferry ended early: " + run.get().message());
            }
            if (count(db, countSql) > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not on the target within " + TIMEOUT + ": " + countSql);
    }

    private static long count(TestDatabase db, String sql)
    {
        try (Connection connection = db.target().openAdmin(db.name()); Statement statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        }
        catch (SQLException e) {
            // the table is not created yet
            return 0;
        }
    }
}
