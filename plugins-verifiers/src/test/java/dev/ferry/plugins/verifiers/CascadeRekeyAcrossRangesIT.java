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
 * A reproduced {@code ON UPDATE CASCADE} that moves child rows the copy has not read yet to keys
 * in key ranges the copy has already finished: the target never had the rows under their old key,
 * so the derived {@code UPDATE} finds nothing to move, and the copy, past those keys, does not
 * read them under the new one. Found by CascadesIT in CI (a shipment row left on the target after
 * its order was re-keyed and deleted). Made certain here: the test holds a lock on two orders'
 * lines in a middle range of {@code order_line}, so that range's copy waits while every other
 * range, the open last one included, ends; it then re-keys the two orders, one to a key past the
 * last range's end, one to a free key in the first range, and deletes the second after the copy.
 * The lines must still reach the target under their new keys, and the shipment of the deleted
 * order must go, the verifier agreeing.
 */
@RealServers
class CascadeRekeyAcrossRangesIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void rekeyedChildRowsReachTheTargetWhenTheirNewKeysWereCopiedAlready(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, note VARCHAR(10) NOT NULL)",
                "CREATE TABLE order_line (order_id INT NOT NULL, line_no INT NOT NULL, qty INT NOT NULL, PRIMARY KEY (order_id, line_no), "
                        + "CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "CREATE TABLE shipment (id INT NOT NULL PRIMARY KEY, order_id INT NOT NULL, line_no INT NOT NULL, "
                        + "CONSTRAINT fk_line FOREIGN KEY (order_id, line_no) REFERENCES order_line (order_id, line_no) ON DELETE CASCADE ON UPDATE CASCADE)",
                "INSERT INTO orders SELECT seq, 'o' FROM seq_1_to_6000",
                "INSERT INTO order_line SELECT o.id, l.seq, l.seq FROM orders o JOIN seq_1_to_2 l",
                "INSERT INTO shipment SELECT id, id, 1 FROM orders",
                // a free key in the first range
                "DELETE FROM orders WHERE id = 5");
        String yaml = InProcessFerry.servers(db)
                + "tableFilter: {type: testing-databases, databases: [\"" + db.name() + "\"]}\n"
                + "copy: {batchSize: 50, concurrency: 2, rangeSize: 1000}\n"
                + "replication: {batchSize: 50, heartbeat: 1s}\n"
                + "verifier: {type: iterative, batchSize: 300}\n"
                + "cutover: {automatic: false}\n"
                + "control: {enabled: false}\n";
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection locker = db.source().openAdmin(db.name());
                Ferry ferry = InProcessFerry.create(db, yaml)) {
            locker.setAutoCommit(false);
            try (Statement statement = locker.createStatement()) {
                // the copy's read of these lines (LOCK IN SHARE MODE) waits for this transaction
                statement.executeQuery("SELECT * FROM order_line WHERE order_id IN (3200, 3201) FOR UPDATE").close();
            }
            Future<RunResult> run = executor.submit(() -> ferry.run());
            awaitOnTarget(db, "SELECT COUNT(*) FROM order_line WHERE order_id = 6000", run);
            assertEquals(0, count(db, "SELECT COUNT(*) FROM order_line WHERE order_id = 3200"), "the middle range must still wait");
            try (Statement statement = locker.createStatement()) {
                statement.executeUpdate("UPDATE orders SET id = 90000 WHERE id = 3200");
                statement.executeUpdate("UPDATE orders SET id = 5 WHERE id = 3201");
            }
            locker.commit();
            InProcessFerry.awaitWaitingForCutover(ferry, run, TIMEOUT);
            // after the copy: the applier finds shipment 3201 through its line only if the line arrived
            db.executeOnSource("DELETE FROM orders WHERE id = 5");
            ferry.requestCutover();
            RunResult result = run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            VerificationResult verification = result.verification();
            assertEquals(VerificationResult.Status.MATCH, verification.status(), verification.message());
        }
        finally {
            executor.shutdownNow();
        }
        db.assertTargetEqualsSource();
        assertEquals(List.of(List.of("90000", "1"), List.of("90000", "2")), db.target().query("SELECT order_id, line_no FROM `" + db.name()
                + "`.order_line WHERE order_id = 90000 ORDER BY line_no"));
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
