package dev.ferry.plugins.verifiers;

import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iterative and inline verifiers re-verify at cutover the keys the binlog changed after
 * their pass. A reproduced foreign-key cascade changes child rows the binlog does not show, so
 * the applier reads them on the target before changing them and hands them to the verifier as
 * row events ({@code Verifier.readsCascadedRows}). Shown with a child row that differs only
 * after its cascade: the test changes two order lines on the target once the copy and the pass
 * are done (the watch of target writes is off, as an operator may have it), then re-keys their
 * order on the source; the cascade moves the lines on both sides, and the verifier must report
 * them under their new key. Without the cascade's rows it would hear only the order's key and
 * report a match.
 */
@RealServers
class CascadedRowsVerificationIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iterative", "inline"})
    void aChildRowThatDiffersAfterItsCascadeIsReported(String verifier, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, note VARCHAR(10) NOT NULL)",
                "CREATE TABLE order_line (order_id INT NOT NULL, line_no INT NOT NULL, qty INT NOT NULL, PRIMARY KEY (order_id, line_no), "
                        + "CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "INSERT INTO orders SELECT seq, 'o' FROM seq_1_to_200",
                "INSERT INTO order_line SELECT o.id, l.seq, l.seq FROM orders o JOIN seq_1_to_2 l");
        String verifierConfig = verifier.equals("iterative") ? "{type: iterative, batchSize: 100, watchTargetWrites: false}"
                : "{type: inline, interval: 100ms, batchSize: 100, watchTargetWrites: false}";
        String yaml = InProcessFerry.servers(db)
                + "tableFilter: {type: testing-databases, databases: [\"" + db.name() + "\"]}\n"
                + "replication: {batchSize: 50, heartbeat: 1s}\n"
                + "verifier: " + verifierConfig + "\n"
                + "cutover: {automatic: false}\n"
                + "control: {enabled: false}\n";
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Ferry ferry = InProcessFerry.create(db, yaml)) {
            Future<RunResult> run = executor.submit(() -> ferry.run());
            InProcessFerry.awaitWaitingForCutover(ferry, run, TIMEOUT);
            db.target().execute("UPDATE `" + db.name() + "`.order_line SET qty = 99 WHERE order_id = 20");
            // the other cascade, a delete, must not be reported: its lines go on both sides
            db.executeOnSource("UPDATE orders SET id = 1000 WHERE id = 20", "DELETE FROM orders WHERE id = 30");
            ferry.requestCutover();
            RunResult result = run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            VerificationResult verification = result.verification();
            assertEquals(VerificationResult.Status.MISMATCH, verification.status(), verification.message());
            assertTrue(verification.message().contains(db.name() + ".order_line (2 rows differ)"), verification.message());
            assertEquals(1, verification.mismatches().size(), verification.message());
        }
        finally {
            executor.shutdownNow();
        }
        assertEquals(List.of(List.of("1000", "1", "99"), List.of("1000", "2", "99")),
                db.target().query("SELECT * FROM `" + db.name() + "`.order_line WHERE order_id IN (20, 30, 1000) ORDER BY 1, 2"));
    }
}
