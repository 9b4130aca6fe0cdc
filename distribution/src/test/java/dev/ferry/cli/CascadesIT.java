package dev.ferry.cli;

import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue #14, item 2: foreign-key cascades are reproduced on the target. The schema holds a chain
 * ({@code customer -> orders -> order_line -> shipment}), a cycle ({@code store <-> staff}, as in
 * Sakila), a self-reference ({@code customer.referrer_id}), a composite key
 * ({@code shipment (order_id, line_no)}), {@code RESTRICT}, {@code CASCADE} and {@code SET NULL}
 * on delete and on update, one of them on a non-key unique column ({@code note.customer_code}).
 * A writer inserts children right after their parents, and deletes and re-keys parents with
 * cascading children during the copy (including parents whose children the copy has not reached)
 * and after it. The binlog holds only the parents' row events of those cascades; the target must
 * still end row-equal, with the verifier agreeing. Runs: each verifier with the default lock
 * strategy ({@code source-db}), {@code in-ferry}, a {@code sharding} copy filter (whose parents
 * outside the moved set still cascade into moved children: {@code referrer_id} crosses tenants),
 * a SIGKILL in the middle of the copy followed by {@code --resume}, and a writer that does not
 * pause between statements (the applier lags behind it).
 */
@RealServers
class CascadesIT
{
    private static final String JAVA_OPTIONS = "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final List<String> TABLES = List.of("store", "staff", "customer", "orders", "order_line", "shipment", "note");
    private static final Set<Integer> EXPECTED_ERRORS = Set.of(1451, 1452, 1062, 1213, 1205);
    // the writer's pause between statements; -Dferry.cascades.pauseMillis=0 makes it write as fast as it can
    private static final int PAUSE_MILLIS = Integer.getInteger("ferry.cascades.pauseMillis", 3);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iterative", "inline", "checksum-table", "in-ferry", "sharding", "kill-resume", "fast-writer"})
    void cascadesAreReproducedOnline(String run, TestDatabase db)
            throws Exception
    {
        createSchema(db);
        String verifier = switch (run) {
            case "inline" -> "{type: inline, interval: 200ms, batchSize: 100}";
            case "checksum-table" -> "{type: checksum-table}";
            default -> "{type: iterative, batchSize: 500}";
        };
        StringBuilder yaml = new StringBuilder(FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "copy:\n  batchSize: 100\n  concurrency: 2\n  rangeSize: 1000\n"
                + (run.equals("in-ferry") ? "  lockStrategy: in-ferry\n" : "")
                + "replication:\n  batchSize: 50\n  heartbeat: 1s\n"
                + "verifier: " + verifier + "\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n");
        if (run.equals("sharding")) {
            yaml.append("copyFilter:\n  type: sharding\n  shardingKey: tenant\n  values: [1]\n");
        }
        if (run.equals("kill-resume")) {
            // the store that resumes cascade-joined tables exactly: with the file store a resume
            // applies the events since the last checkpoint again, and a cascade replayed onto the
            // target's current rows can differ (ferry warns at start; ResumeReplayIT shows it, and
            // the verifier caught it here in 1 of 4 runs)
            String metaDatabase = "ferry_meta_" + db.name().substring(db.name().length() - 6);
            db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
            yaml.append("state:\n  type: target-db\n  database: ").append(metaDatabase).append("\n  writePositionWithBatches: true\n  checkpointInterval: 500ms\n");
        }
        Path config = Files.writeString(temp.resolve(db.name() + ".yaml"), yaml.toString());

        // the fast writer does not pause: the applier lags, and rows written around the move's start
        // position meet cascades before their parents are copied (found this way: CascadesDuringTheCopyIT)
        Writer writer = new Writer(db, run.hashCode(), run.equals("fast-writer") ? 0 : PAUSE_MILLIS);
        FerryProcess ferry = null;
        try {
            writer.start();
            ferry = start(db, config, false);
            if (run.equals("kill-resume")) {
                awaitCopyPercent(ferry, 30);
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                long beforeResume = writer.operations();
                Thread.sleep(500);
                assertTrue(writer.operations() > beforeResume, "the writer stalled while ferry was down");
                ferry = start(db, config, true);
            }
            ferry.awaitPhase("waiting-for-cutover", TIMEOUT);
            long atCopyEnd = writer.operations();
            Thread.sleep(1_500);
            long operations = writer.finish();
            assertTrue(operations - atCopyEnd > 20, "only " + (operations - atCopyEnd) + " writes after the copy");
            assertTrue(writer.cascades() > 50, "only " + writer.cascades() + " cascading deletes and re-keys succeeded on the source");
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            int exit = ferry.await(TIMEOUT);
            if (exit != 0) {
                fail(run + ": exit " + exit + ": " + ferry + "\n--- the tables: " + difference(db));
            }
            assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
            System.out.printf(Locale.ROOT, "[CascadesIT] %s: %d writes, %d cascading deletes and re-keys%n", run, operations, writer.cascades());
        }
        finally {
            writer.halt();
            if (ferry != null) {
                ferry.destroyQuietly();
            }
        }
        if (run.equals("sharding")) {
            for (String table : TABLES) {
                String order = " ORDER BY 1, 2";
                assertEquals(db.source().query("SELECT * FROM `" + db.name() + "`.`" + table + "` WHERE tenant = 1" + order),
                        db.target().query("SELECT * FROM `" + db.name() + "`.`" + table + "`" + order), table);
            }
        }
        else {
            db.assertTargetEqualsSource();
        }
    }

    /**
     * What a full comparison of the databases finds, for a failure message (the verifier names
     * only the differing keys).
     */
    private static String difference(TestDatabase db)
    {
        try {
            db.assertTargetEqualsSource();
            return "equal";
        }
        catch (AssertionError e) {
            return e.getMessage();
        }
    }

    private static void createSchema(TestDatabase db)
    {
        db.executeOnSource(
                "SET SESSION foreign_key_checks = 0",
                // a cycle, as Sakila's store.manager_staff_id -> staff, staff.store_id -> store
                "CREATE TABLE store (id INT NOT NULL PRIMARY KEY, tenant INT NOT NULL, manager_staff_id INT NULL, "
                        + "CONSTRAINT fk_manager FOREIGN KEY (manager_staff_id) REFERENCES staff (id) ON DELETE SET NULL) ENGINE=InnoDB",
                "CREATE TABLE staff (id INT NOT NULL PRIMARY KEY, tenant INT NOT NULL, store_id INT NOT NULL, "
                        + "CONSTRAINT fk_store FOREIGN KEY (store_id) REFERENCES store (id) ON DELETE RESTRICT ON UPDATE CASCADE) ENGINE=InnoDB",
                // a self-reference
                "CREATE TABLE customer (id INT NOT NULL PRIMARY KEY, tenant INT NOT NULL, code VARCHAR(20) NOT NULL, referrer_id INT NULL, "
                        + "UNIQUE KEY code (code), CONSTRAINT fk_referrer FOREIGN KEY (referrer_id) REFERENCES customer (id) ON DELETE SET NULL)",
                // a chain, with CASCADE on delete and on update
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, tenant INT NOT NULL, customer_id INT NULL, store_id INT NOT NULL, "
                        + "CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE ON UPDATE CASCADE, "
                        + "CONSTRAINT fk_order_store FOREIGN KEY (store_id) REFERENCES store (id))",
                "CREATE TABLE order_line (order_id INT NOT NULL, line_no INT NOT NULL, tenant INT NOT NULL, qty INT NOT NULL, "
                        + "PRIMARY KEY (order_id, line_no), "
                        + "CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                // a composite foreign key
                "CREATE TABLE shipment (id INT NOT NULL PRIMARY KEY, tenant INT NOT NULL, order_id INT NOT NULL, line_no INT NOT NULL, "
                        + "CONSTRAINT fk_line FOREIGN KEY (order_id, line_no) REFERENCES order_line (order_id, line_no) ON DELETE CASCADE ON UPDATE CASCADE)",
                // SET NULL on delete and on update, referencing a unique column that is not the key
                "CREATE TABLE note (id INT NOT NULL PRIMARY KEY, tenant INT NOT NULL, customer_code VARCHAR(20) NULL, body VARCHAR(40) NOT NULL, "
                        + "CONSTRAINT fk_code FOREIGN KEY (customer_code) REFERENCES customer (code) ON DELETE SET NULL ON UPDATE SET NULL)",
                "INSERT INTO store SELECT seq, seq % 3, seq FROM seq_1_to_30",
                "INSERT INTO staff SELECT seq, ((seq - 1) % 30 + 1) % 3, (seq - 1) % 30 + 1 FROM seq_1_to_60",
                "SET SESSION foreign_key_checks = 1",
                "INSERT INTO customer SELECT seq, seq % 3, CONCAT('c', seq), NULL FROM seq_1_to_3000",
                "UPDATE customer SET referrer_id = id - 1 WHERE id % 10 = 0",
                "INSERT INTO orders SELECT seq, ((seq - 1) % 3000 + 1) % 3, (seq - 1) % 3000 + 1, IF(((seq - 1) % 3000 + 1) % 3 = 0, 3, ((seq - 1) % 3000 + 1) % 3) "
                        + "FROM seq_1_to_6000",
                "INSERT INTO order_line SELECT o.id, l.seq, o.tenant, l.seq FROM orders o JOIN seq_1_to_2 l",
                "INSERT INTO shipment SELECT o.id, o.tenant, o.id, 1 FROM orders o",
                "INSERT INTO note SELECT seq, seq % 3, CONCAT('c', seq), 'n' FROM seq_1_to_3000");
    }

    private static FerryProcess start(TestDatabase db, Path config, boolean resume)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of("copydb", "--config", config.toString()));
        if (resume) {
            args.add("--resume");
        }
        return FerryProcess.start(home, temp, Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password()),
                JAVA_OPTIONS, args.toArray(String[]::new));
    }

    private static void awaitCopyPercent(FerryProcess ferry, double percent)
            throws Exception
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        ferry.controlUrl(TIMEOUT);
        while (System.nanoTime() < deadline) {
            FerryProcess.Status status = ferry.status().orElse(null);
            if (status != null && (status.percent() >= percent || !status.phase().equals("copying") && !status.phase().equals("starting"))) {
                assertEquals("copying", status.phase(), "the kill must land during the copy: " + ferry);
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the copy did not reach " + percent + "%\n" + ferry);
    }


    /**
     * One connection, autocommit: every child statement right after its parent's.
     */
    private static final class Writer
            extends Thread
    {
        private final TestDatabase db;
        private final Random random;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong operations = new AtomicLong();
        private final AtomicLong cascades = new AtomicLong();
        private volatile Throwable failure;
        private final int pauseMillis;
        private int nextId = 10_000_000;

        Writer(TestDatabase db, long seed, int pauseMillis)
        {
            super("fk-writer");
            setDaemon(true);
            this.db = db;
            this.random = new Random(seed);
            this.pauseMillis = pauseMillis;
        }

        @Override
        public void run()
        {
            try (Connection connection = db.source().openAdmin(db.name())) {
                while (running.get()) {
                    try {
                        operation(connection);
                    }
                    catch (SQLException e) {
                        if (!EXPECTED_ERRORS.contains(e.getErrorCode())) {
                            throw e;
                        }
                    }
                    operations.incrementAndGet();
                    Thread.sleep(pauseMillis);
                }
            }
            catch (Throwable e) {
                failure = e;
            }
        }

        private void operation(Connection connection)
                throws SQLException
        {
            int choice = random.nextInt(100);
            int customer = 1 + random.nextInt(3000 + (nextId - 10_000_000));
            if (customer > 3000) {
                customer = 10_000_000 + (customer - 3000);
            }
            if (choice < 30) {
                int id = ++nextId;
                update(connection, "INSERT INTO customer VALUES (?, ?, ?, NULL)", id, id % 3, "c" + id);
                for (int i = 0; i < 2; i++) {
                    int order = ++nextId;
                    update(connection, "INSERT INTO orders SELECT ?, tenant, id, IF(tenant = 0, 3, tenant) FROM customer WHERE id = ?", order, id);
                    update(connection, "INSERT INTO order_line SELECT id, 1, tenant, 5 FROM orders WHERE id = ?", order);
                    update(connection, "INSERT INTO shipment SELECT ?, tenant, order_id, line_no FROM order_line WHERE order_id = ?", ++nextId, order);
                }
                update(connection, "INSERT INTO note SELECT ?, tenant, code, 'new' FROM customer WHERE id = ?", ++nextId, id);
            }
            else if (choice < 45) {
                // ON DELETE CASCADE down orders -> order_line -> shipment, SET NULL in note and referrers
                cascaded(update(connection, "DELETE FROM customer WHERE id = ?", customer));
            }
            else if (choice < 55) {
                // ON UPDATE CASCADE into orders
                cascaded(update(connection, "UPDATE customer SET id = ? WHERE id = ?", ++nextId, customer));
            }
            else if (choice < 65) {
                // ON UPDATE SET NULL into note, on a unique column that is not the key
                cascaded(update(connection, "UPDATE customer SET code = CONCAT('r', ?) WHERE id = ?", ++nextId, customer));
            }
            else if (choice < 75) {
                // ON UPDATE CASCADE through order_line into the composite key of shipment
                cascaded(update(connection, "UPDATE orders SET id = ? WHERE customer_id = ? LIMIT 1", ++nextId, customer));
            }
            else if (choice < 85) {
                cascaded(update(connection, "DELETE FROM orders WHERE customer_id = ? LIMIT 1", customer));
            }
            else if (choice < 92) {
                int store = 1 + random.nextInt(30);
                int staff = ++nextId;
                update(connection, "INSERT INTO staff SELECT ?, tenant, id FROM store WHERE id = ?", staff, store);
                update(connection, "UPDATE store SET manager_staff_id = ? WHERE id = ?", staff, store);
            }
            else {
                // SET NULL across the cycle: the store loses its manager
                cascaded(update(connection, "DELETE FROM staff WHERE id = (SELECT manager_staff_id FROM store WHERE id = ?)", 1 + random.nextInt(30)));
            }
        }

        private void cascaded(int rows)
        {
            if (rows > 0) {
                cascades.incrementAndGet();
            }
        }

        private static int update(Connection connection, String sql, Object... values)
                throws SQLException
        {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                return statement.executeUpdate();
            }
        }

        long operations()
        {
            return operations.get();
        }

        long cascades()
        {
            return cascades.get();
        }

        long finish()
                throws InterruptedException
        {
            running.set(false);
            join(30_000);
            if (failure != null) {
                throw new AssertionError("the writer failed: " + failure, failure);
            }
            return operations.get();
        }

        void halt()
        {
            running.set(false);
        }
    }
}
