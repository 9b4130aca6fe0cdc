package dev.ferry.cli;

import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A concurrent write load on the source for the kill-and-resume tests: several threads, each with
 * its own connection and {@code Random(seed * 31 + thread)}, writing to the three tables of
 * {@link #createTables} until stopped:
 * <ul>
 * <li>{@code items (id BIGINT UNSIGNED)}: keys 1..N and the top of the unsigned range up to
 * 2^64-1; upserts, updates, key changes, deletes</li>
 * <li>{@code pairs (a INT, b VARCHAR)}: a composite key; multi-row upserts, updates of all rows of
 * one {@code a}, key changes of either part, range deletes</li>
 * <li>{@code ledger (id INT)}: negative and positive keys; multi-row upserts, range updates of up
 * to a few hundred rows, key changes of many rows in one statement, range deletes</li>
 * </ul>
 * A quarter of the operations are transactions over several tables (one in ten rolled back), some
 * with a row inserted, updated, moved and deleted again. Deadlocks and lock wait timeouts (the
 * copy's locking reads cause some) roll back and go on. Each thread pauses briefly between
 * operations, so the load leaves CPU for ferry on a small machine.
 */
final class WriteLoad
{
    static final String TOP = "18446744073709551615";

    private static final long TOP_VALUE = Long.parseUnsignedLong(TOP);
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;
    private static final long TRANSIENT_KEYS = 50_000_000L;

    private final MySqlServer server;
    private final String database;
    private final int rows;
    private final long seed;
    private final int threads;
    private final long pauseMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> workers = new ArrayList<>();

    WriteLoad(TestDatabase db, int rows, long seed, int threads, long pauseMillis)
    {
        requireNonNull(db, "db is null");
        this.server = db.source();
        this.database = db.name();
        this.rows = rows;
        this.seed = seed;
        this.threads = threads;
        this.pauseMillis = pauseMillis;
    }

    /**
     * Creates and fills the three tables on the source: {@code rows} items (plus 41 at the top of
     * the unsigned range), {@code rows} pairs and {@code rows} ledger rows.
     */
    static void createTables(TestDatabase db, int rows)
    {
        int pairsA = Math.max(1, rows / 20);
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, n INT NOT NULL, payload VARBINARY(255))",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq), 0, UNHEX(SHA2(seq, 256)) FROM seq_1_to_" + rows,
                "INSERT INTO items SELECT " + TOP + " - seq, CONCAT('top-', seq), seq, NULL FROM seq_0_to_40",
                "CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(24) NOT NULL, v INT NOT NULL, note VARCHAR(64), PRIMARY KEY (a, b)) "
                        + "DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci",
                "INSERT INTO pairs SELECT a.seq, CONCAT('b', LPAD(b.seq, 2, '0')), a.seq * b.seq, IF(b.seq % 4 = 0, NULL, CONCAT('p\u00e9', a.seq)) "
                        + "FROM seq_1_to_" + pairsA + " a, seq_0_to_19 b",
                "CREATE TABLE ledger (id INT NOT NULL PRIMARY KEY, amount BIGINT NOT NULL, note VARCHAR(32))",
                "INSERT INTO ledger SELECT CAST(seq AS SIGNED) - " + (rows / 3) + ", seq * 7, IF(seq % 3 = 0, NULL, CONCAT('n', seq)) FROM seq_0_to_" + (rows - 1),
                "ANALYZE TABLE items, pairs, ledger");
    }

    void start()
    {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("the load is running");
        }
        workers.clear();
        for (int i = 0; i < threads; i++) {
            Worker worker = new Worker(i, new Random(seed * 31 + i + operations.get()));
            Thread thread = new Thread(worker::run, "write-load-" + i);
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
    }

    /**
     * Stops the threads and waits for them; every transaction they began is committed or rolled
     * back when this returns.
     *
     * @return operations committed so far
     * @throws AssertionError when a thread failed
     */
    long stop()
            throws InterruptedException
    {
        running.set(false);
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("the write load failed", failure.get());
        }
        return operations.get();
    }

    /**
     * Stops the threads without reporting a failure: for cleanup after a failed test.
     */
    void halt()
    {
        running.set(false);
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    long operations()
    {
        return operations.get();
    }

    private final class Worker
    {
        private final int index;
        private final Random random;
        private long counter;
        private Connection connection;

        Worker(int index, Random random)
        {
            this.index = index;
            this.random = random;
        }

        void run()
        {
            try (Connection opened = server.openAdmin(database)) {
                connection = opened;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION innodb_lock_wait_timeout = 5");
                }
                while (running.get()) {
                    boolean transaction = random.nextInt(4) == 0;
                    connection.setAutoCommit(!transaction);
                    try {
                        if (transaction) {
                            if (random.nextInt(3) == 0) {
                                transientRow();
                            }
                            int statements = 2 + random.nextInt(3);
                            for (int i = 0; i < statements; i++) {
                                single();
                            }
                            if (random.nextInt(10) == 0) {
                                connection.rollback();
                            }
                            else {
                                connection.commit();
                            }
                        }
                        else {
                            single();
                        }
                        operations.incrementAndGet();
                    }
                    catch (SQLException e) {
                        if (e.getErrorCode() != ER_LOCK_DEADLOCK && e.getErrorCode() != ER_LOCK_WAIT_TIMEOUT) {
                            throw e;
                        }
                        if (transaction) {
                            connection.rollback();
                        }
                    }
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            }
            catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        private void single()
                throws SQLException
        {
            switch (random.nextInt(3)) {
                case 0 -> items();
                case 1 -> pairs();
                default -> ledger();
            }
        }

        /**
         * A row that exists only inside one transaction: inserted, updated, moved and deleted.
         */
        private void transientRow()
                throws SQLException
        {
            long key = TRANSIENT_KEYS + index * 1_000_000L + counter++;
            execute("INSERT INTO items (id, name, n, payload) VALUES (?, 'transient', 1, NULL)", Long.toUnsignedString(key));
            execute("UPDATE items SET n = n + 1 WHERE id = ?", Long.toUnsignedString(key));
            execute("UPDATE items SET id = ? WHERE id = ?", Long.toUnsignedString(key + 500_000), Long.toUnsignedString(key));
            execute("DELETE FROM items WHERE id = ?", Long.toUnsignedString(key + 500_000));
        }

        private void items()
                throws SQLException
        {
            String key = itemKey();
            switch (random.nextInt(6)) {
                case 0, 1 -> execute("INSERT INTO items (id, name, n, payload) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + 1, payload = VALUES(payload)",
                        key, "w-" + random.nextInt(1000) + "-\uD83D\uDE00", random.nextInt(), payload());
                case 2 -> execute("UPDATE items SET n = n + 1, name = ? WHERE id = ?", "u-" + random.nextInt(1000), key);
                case 3 -> execute("UPDATE IGNORE items SET id = ? WHERE id = ?", itemKey(), key);
                default -> execute("DELETE FROM items WHERE id = ?", key);
            }
        }

        private void pairs()
                throws SQLException
        {
            int a = 1 + random.nextInt(Math.max(1, rows / 20) + 50);
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    int count = 1 + random.nextInt(6);
                    StringBuilder sql = new StringBuilder("INSERT INTO pairs (a, b, v, note) VALUES ");
                    Object[] values = new Object[count * 4];
                    for (int i = 0; i < count; i++) {
                        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?)");
                        values[i * 4] = a;
                        values[i * 4 + 1] = pairB();
                        values[i * 4 + 2] = random.nextInt();
                        values[i * 4 + 3] = random.nextInt(5) == 0 ? null : "w" + random.nextInt(1000);
                    }
                    sql.append(" ON DUPLICATE KEY UPDATE v = VALUES(v), note = VALUES(note)");
                    execute(sql.toString(), values);
                }
                case 2 -> execute("UPDATE pairs SET v = v + 1, note = ? WHERE a = ?", "all-" + random.nextInt(100), a);
                case 3 -> execute("UPDATE IGNORE pairs SET b = ? WHERE a = ? AND b = ?", pairB(), a, pairB());
                case 4 -> execute("UPDATE IGNORE pairs SET a = ? WHERE a = ? AND b >= ?", 1 + random.nextInt(Math.max(1, rows / 20) + 50), a, pairB());
                default -> execute("DELETE FROM pairs WHERE a = ? AND b >= ?", a, pairB());
            }
        }

        private void ledger()
                throws SQLException
        {
            int key = -(rows / 3) - 500 + random.nextInt(rows + 1000);
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    int count = 1 + random.nextInt(8);
                    StringBuilder sql = new StringBuilder("INSERT INTO ledger (id, amount, note) VALUES ");
                    Object[] values = new Object[count * 3];
                    for (int i = 0; i < count; i++) {
                        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
                        values[i * 3] = key + i * 3;
                        values[i * 3 + 1] = random.nextInt();
                        values[i * 3 + 2] = random.nextInt(4) == 0 ? null : "i" + random.nextInt(100);
                    }
                    sql.append(" ON DUPLICATE KEY UPDATE amount = amount + VALUES(amount), note = VALUES(note)");
                    execute(sql.toString(), values);
                }
                // now and then a few hundred rows in one statement
                case 2 -> execute("UPDATE ledger SET amount = amount + 1, note = ? WHERE id BETWEEN ? AND ?",
                        "r" + random.nextInt(100), key, key + (random.nextInt(20) == 0 ? 300 : random.nextInt(20)));
                case 3 -> execute("UPDATE IGNORE ledger SET id = -id WHERE id BETWEEN ? AND ?", key, key + random.nextInt(8));
                case 4 -> execute("DELETE FROM ledger WHERE id BETWEEN ? AND ?", key, key + random.nextInt(6));
                default -> execute("UPDATE IGNORE ledger SET id = ? WHERE id = ?", -(rows / 3) + random.nextInt(rows), key);
            }
        }

        private String itemKey()
        {
            if (random.nextInt(8) == 0) {
                return Long.toUnsignedString(TOP_VALUE - random.nextInt(60));
            }
            return Long.toString(1 + random.nextInt(rows + rows / 10));
        }

        private String pairB()
        {
            return String.format("b%02d", random.nextInt(26));
        }

        private byte[] payload()
        {
            if (random.nextInt(6) == 0) {
                return null;
            }
            byte[] payload = new byte[random.nextInt(255)];
            random.nextBytes(payload);
            return payload;
        }

        private void execute(String sql, Object... values)
                throws SQLException
        {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                statement.executeUpdate();
            }
        }
    }
}
