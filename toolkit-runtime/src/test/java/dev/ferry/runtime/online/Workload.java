package dev.ferry.runtime.online;

import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A concurrent write load on the source, from several threads, until stopped. Deadlocks and lock
 * wait timeouts (the copy's locking reads cause some) roll the transaction back and go on.
 * <ul>
 * <li>{@link Mix#ITEMS}: INSERT/UPDATE/DELETE on one table {@code (id BIGINT UNSIGNED PK, name, n,
 * payload)}: random keys (including the top of the unsigned range), key changes, large BLOBs.</li>
 * <li>{@link Mix#FULL}: the five tables of {@link #createTables}: {@code items} (unsigned keys up to
 * 2^64-1, 200 KB MEDIUMBLOBs), {@code ledger} (signed INT key with negatives), {@code pairs}
 * (composite {@code (INT, VARCHAR)} key), {@code names} (VARCHAR key in a case- and
 * pad-insensitive collation) and {@code hot} (900 rows deleted or moved away for good, updated;
 * 3 of 7 changes); single- and multi-row INSERT (upserts), UPDATE and DELETE, key
 * changes of one and of many rows (including to keys equal under the collation: case and
 * trailing spaces), a row inserted, updated and deleted in one transaction, transactions over all
 * tables (some rolled back), statements of hundreds of rows.</li>
 * <li>{@link Mix#INSERT_ONLY}: the same tables, only inserts of new keys (single, multi-row, in
 * multi-table transactions, some rolled back) and {@code INSERT IGNORE} at the top of the
 * unsigned range: what {@code copy.lockStrategy: none} is safe with.</li>
 * </ul>
 * The load is random but seeded: each thread draws from {@code Random(seed * 31 + thread)}.
 */
final class Workload
{
    enum Mix
    {
        ITEMS, FULL, INSERT_ONLY
    }

    static final long TOP = Long.parseUnsignedLong("18446744073709551615");
    static final int BLOB_BYTES = 200_000;
    /** rows of {@code hot} at the start: small enough to be copied as one range */
    static final int HOT_ROWS = 900;

    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;
    /** keys of rows a transaction inserts, updates and deletes again: never present between transactions */
    private static final long TRANSIENT_KEYS = 50_000_000L;
    private static final long FRESH_KEYS = 100_000_000L;

    private final MySqlServer server;
    private final String database;
    private final String table;
    private final Mix mix;
    private final long seed;
    private final int threads;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile long nanosPerOperation;

    /**
     * The single-table load ({@link Mix#ITEMS}) on {@code table}.
     */
    Workload(MySqlServer server, String database, String table, long seed, int threads)
    {
        this(server, database, table, Mix.ITEMS, seed, threads);
    }

    /**
     * A load on the tables of {@link #createTables}.
     */
    Workload(MySqlServer server, String database, Mix mix, long seed, int threads)
    {
        this(server, database, "items", mix, seed, threads);
    }

    private Workload(MySqlServer server, String database, String table, Mix mix, long seed, int threads)
    {
        this.server = requireNonNull(server, "server is null");
        this.database = requireNonNull(database, "database is null");
        this.table = requireNonNull(table, "table is null");
        this.mix = requireNonNull(mix, "mix is null");
        this.seed = seed;
        this.threads = threads;
    }

    /**
     * Creates and fills {@code items}, {@code ledger}, {@code pairs} and {@code names} on the
     * source, about {@code rowsPerTable} rows each, and {@code hot} with {@link #HOT_ROWS} rows.
     */
    static void createTables(TestDatabase db, int rowsPerTable)
    {
        int pairsA = Math.max(1, rowsPerTable / 20);
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, n INT NOT NULL, payload MEDIUMBLOB)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq), 0, "
                        + "IF(seq % 500 = 0, REPEAT(UNHEX(SHA2(seq, 256)), " + (BLOB_BYTES / 32) + "), UNHEX(SHA2(seq, 256))) "
                        + "FROM seq_1_to_" + rowsPerTable,
                // the top of the unsigned range: 2^64-41 .. 2^64-1
                "INSERT INTO items SELECT 18446744073709551615 - seq, CONCAT('top-', seq), seq, NULL FROM seq_0_to_40",
                "CREATE TABLE ledger (id INT NOT NULL PRIMARY KEY, amount BIGINT NOT NULL, note VARCHAR(32))",
                "INSERT INTO ledger SELECT CAST(seq AS SIGNED) - " + (rowsPerTable / 3) + ", seq * 7, IF(seq % 3 = 0, NULL, CONCAT('n', seq)) FROM seq_0_to_" + (rowsPerTable - 1),
                "CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(24) NOT NULL, v INT NOT NULL, note VARCHAR(64), PRIMARY KEY (a, b)) "
                        + "DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci",
                "INSERT INTO pairs SELECT a.seq, CONCAT('b', LPAD(b.seq, 2, '0')), a.seq * b.seq, CONCAT('p', a.seq, '/', b.seq) "
                        + "FROM seq_1_to_" + pairsA + " a, seq_0_to_19 b",
                "CREATE TABLE names (k VARCHAR(40) NOT NULL PRIMARY KEY, v INT NOT NULL, t TEXT) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci",
                "INSERT INTO names SELECT CONCAT('name-', LPAD(seq, 6, '0')), seq, IF(seq % 7 = 0, 'caf\u00e9 \uD83D\uDE00', REPEAT('t', seq % 50)) "
                        + "FROM seq_1_to_" + rowsPerTable,
                "CREATE TABLE hot (id INT NOT NULL PRIMARY KEY, v INT NOT NULL, note VARCHAR(32))",
                "INSERT INTO hot SELECT seq, seq, 'initial' FROM seq_1_to_" + HOT_ROWS,
                "ANALYZE TABLE items, ledger, pairs, names, hot");
    }

    /**
     * Limits each thread to {@code perSecond} operations a second (none: as fast as it can). A
     * load the applier keeps up with keeps its lag short, which is what lets a copy that writes
     * stale rows be caught (see {@link SlowCopyReads}).
     */
    Workload paced(int perSecond)
    {
        nanosPerOperation = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
        return this;
    }

    void start()
    {
        running.set(true);
        for (int i = 0; i < threads; i++) {
            Worker worker = new Worker(i, new Random(seed * 31 + i));
            Thread thread = new Thread(worker::run, "workload-" + i);
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
    }

    /**
     * Operations committed (or, for the single-table load, executed) so far.
     */
    long operations()
    {
        return operations.get();
    }

    /**
     * Transactions rolled back so far, on purpose or after a deadlock.
     */
    long rollbacks()
    {
        return rollbacks.get();
    }

    /**
     * Stops the load, waits for the threads and returns the operation count.
     *
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
            throw new AssertionError("workload failed", failure.get());
        }
        return operations.get();
    }

    /**
     * Stops the load without reporting a failure: for cleanup after a test failed.
     */
    void halt()
            throws InterruptedException
    {
        running.set(false);
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static boolean isLockConflict(SQLException e)
    {
        return e.getErrorCode() == ER_LOCK_DEADLOCK || e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT;
    }

    private static String unsigned(long key)
    {
        return Long.toUnsignedString(key);
    }

    /**
     * One thread of the load, with its own connection, statements and random source.
     */
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
                if (mix == Mix.ITEMS) {
                    runItems();
                    return;
                }
                long next = System.nanoTime();
                while (running.get()) {
                    long pace = nanosPerOperation;
                    if (pace > 0) {
                        next += pace;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    boolean transaction = random.nextInt(4) == 0;
                    connection.setAutoCommit(!transaction);
                    try {
                        if (mix == Mix.INSERT_ONLY) {
                            insertOnly(transaction);
                        }
                        else if (transaction) {
                            transaction();
                        }
                        else {
                            single();
                        }
                        if (transaction) {
                            if (random.nextInt(10) == 0) {
                                connection.rollback();
                                rollbacks.incrementAndGet();
                            }
                            else {
                                connection.commit();
                            }
                        }
                        operations.incrementAndGet();
                    }
                    catch (SQLException e) {
                        if (!isLockConflict(e)) {
                            throw e;
                        }
                        if (transaction) {
                            connection.rollback();
                        }
                        rollbacks.incrementAndGet();
                    }
                }
            }
            catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        // --- the single-table load ----------------------------------------------------------------

        private void runItems()
                throws SQLException
        {
            PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id, name, n, payload) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + 1");
            PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET n = n + 1, name = ? WHERE id = ?");
            PreparedStatement move = connection.prepareStatement("UPDATE IGNORE " + table + " SET id = ? WHERE id = ?");
            PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
            while (running.get()) {
                long key = itemKey(40_000);
                try {
                    switch (random.nextInt(6)) {
                        case 0, 1 -> {
                            insert.setString(1, unsigned(key));
                            insert.setString(2, "w-" + random.nextInt(1000) + "-\uD83D\uDE00");
                            insert.setInt(3, random.nextInt());
                            insert.setBytes(4, payload());
                            insert.executeUpdate();
                        }
                        case 2, 3 -> {
                            update.setString(1, "u-" + random.nextInt(1000));
                            update.setString(2, unsigned(key));
                            update.executeUpdate();
                        }
                        case 4 -> {
                            move.setString(1, unsigned(itemKey(40_000)));
                            move.setString(2, unsigned(key));
                            move.executeUpdate();
                        }
                        default -> {
                            delete.setString(1, unsigned(key));
                            delete.executeUpdate();
                        }
                    }
                    operations.incrementAndGet();
                }
                catch (SQLException e) {
                    if (!isLockConflict(e)) {
                        throw e;
                    }
                }
            }
        }

        // --- the five-table load ------------------------------------------------------------------

        private void single()
                throws SQLException
        {
            switch (random.nextInt(7)) {
                case 0 -> items();
                case 1 -> ledger();
                case 2 -> pairs();
                case 3 -> names();
                default -> hot();
            }
        }

        private void transaction()
                throws SQLException
        {
            if (random.nextBoolean()) {
                insertUpdateDelete();
            }
            // several tables in one transaction
            int statements = 2 + random.nextInt(4);
            for (int i = 0; i < statements; i++) {
                single();
            }
        }

        /**
         * A row that exists only inside this transaction: the binlog has its insert, update and
         * delete; the copy never sees it.
         */
        private void insertUpdateDelete()
                throws SQLException
        {
            long key = TRANSIENT_KEYS + index * 1_000_000L + counter++;
            execute("INSERT INTO items (id, name, n, payload) VALUES (?, 'transient', 1, ?)", unsigned(key), payload());
            execute("UPDATE items SET n = n + 1, name = 'transient-updated' WHERE id = ?", unsigned(key));
            if (random.nextBoolean()) {
                // and moved before it goes
                long moved = key + 500_000;
                execute("UPDATE items SET id = ? WHERE id = ?", unsigned(moved), unsigned(key));
                key = moved;
            }
            execute("DELETE FROM items WHERE id = ?", unsigned(key));
            String name = "transient-" + index + "-" + counter;
            execute("INSERT INTO names (k, v, t) VALUES (?, 1, 'x')", name);
            execute("UPDATE names SET k = UPPER(k), v = 2 WHERE k = ?", name);
            execute("DELETE FROM names WHERE k = ?", name);
        }

        private void items()
                throws SQLException
        {
            long key = itemKey(15_000);
            switch (random.nextInt(6)) {
                case 0, 1 -> execute("INSERT INTO items (id, name, n, payload) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + 1, payload = VALUES(payload)",
                        unsigned(key), "w-" + random.nextInt(1000) + "-\uD83D\uDE00", random.nextInt(), payload());
                case 2 -> execute("UPDATE items SET n = n + 1, name = ? WHERE id = ?", "u-" + random.nextInt(1000), unsigned(key));
                case 3 -> execute("UPDATE IGNORE items SET id = ? WHERE id = ?", unsigned(itemKey(15_000)), unsigned(key));
                case 4 -> execute("DELETE FROM items WHERE id = ?", unsigned(key));
                default -> {
                    // a multi-row upsert around the key, crossing 2^64-1 downwards when at the top
                    int rows = 2 + random.nextInt(6);
                    StringBuilder sql = new StringBuilder("INSERT INTO items (id, name, n, payload) VALUES ");
                    Object[] values = new Object[rows * 3];
                    for (int i = 0; i < rows; i++) {
                        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, NULL)");
                        values[i * 3] = unsigned(key - i);
                        values[i * 3 + 1] = "m-" + random.nextInt(100);
                        values[i * 3 + 2] = random.nextInt(1000);
                    }
                    sql.append(" ON DUPLICATE KEY UPDATE n = VALUES(n), name = VALUES(name)");
                    execute(sql.toString(), values);
                }
            }
        }

        private void ledger()
                throws SQLException
        {
            int key = -6000 + random.nextInt(14_000);
            switch (random.nextInt(7)) {
                case 0, 1 -> {
                    int rows = 1 + random.nextInt(10);
                    StringBuilder sql = new StringBuilder("INSERT INTO ledger (id, amount, note) VALUES ");
                    Object[] values = new Object[rows * 3];
                    for (int i = 0; i < rows; i++) {
                        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
                        values[i * 3] = key + i * 3;
                        values[i * 3 + 1] = random.nextInt();
                        values[i * 3 + 2] = random.nextInt(4) == 0 ? null : "i" + random.nextInt(100);
                    }
                    sql.append(" ON DUPLICATE KEY UPDATE amount = amount + VALUES(amount), note = VALUES(note)");
                    execute(sql.toString(), values);
                }
                // many rows in one statement: now and then a few hundred
                case 2 -> execute("UPDATE ledger SET amount = amount + 1, note = ? WHERE id BETWEEN ? AND ?",
                        "r" + random.nextInt(100), key, key + (random.nextInt(20) == 0 ? 400 : random.nextInt(20)));
                // key changes of many rows in one statement
                case 3 -> execute("UPDATE IGNORE ledger SET id = -id WHERE id BETWEEN ? AND ?", key, key + random.nextInt(8));
                case 4 -> execute("UPDATE IGNORE ledger SET id = ? WHERE id = ?", -6000 + random.nextInt(14_000), key);
                case 5 -> execute("DELETE FROM ledger WHERE id BETWEEN ? AND ?", key, key + random.nextInt(6));
                default -> execute("DELETE FROM ledger WHERE id = ?", key);
            }
        }

        private void pairs()
                throws SQLException
        {
            int a = 1 + random.nextInt(800);
            switch (random.nextInt(7)) {
                case 0, 1 -> {
                    int rows = 1 + random.nextInt(8);
                    StringBuilder sql = new StringBuilder("INSERT INTO pairs (a, b, v, note) VALUES ");
                    Object[] values = new Object[rows * 4];
                    for (int i = 0; i < rows; i++) {
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
                case 4 -> execute("UPDATE IGNORE pairs SET a = ? WHERE a = ? AND b >= ?", 1 + random.nextInt(800), a, pairB());
                case 5 -> execute("DELETE FROM pairs WHERE a = ? AND b >= ?", a, pairB());
                default -> execute("DELETE FROM pairs WHERE a = ? AND b = ?", a, pairB());
            }
        }

        private String pairB()
        {
            String number = String.format("%02d", random.nextInt(30));
            return switch (random.nextInt(8)) {
                case 0 -> "B" + number;
                case 1 -> "b" + number + "\u00e9";
                default -> "b" + number;
            };
        }

        /**
         * A small table whose rows are deleted or moved away for good: when the copy writes one
         * after the applier applied its delete, nothing later repairs it (a row changed again
         * would hide the mistake).
         */
        private void hot()
                throws SQLException
        {
            int key = 1 + random.nextInt(HOT_ROWS);
            switch (random.nextInt(6)) {
                case 0, 1 -> execute("DELETE FROM hot WHERE id = ?", key);
                case 2 -> execute("UPDATE hot SET id = id + 1000000, note = 'moved' WHERE id = ?", key);
                default -> execute("UPDATE hot SET v = v + 1, note = 'updated' WHERE id = ?", key);
            }
        }

        private void names()
                throws SQLException
        {
            String key = name(random.nextInt(14_000));
            switch (random.nextInt(6)) {
                case 0, 1 -> execute("INSERT INTO names (k, v, t) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE v = v + 1, t = VALUES(t)",
                        key, random.nextInt(), random.nextInt(4) == 0 ? "\uD83D\uDE80 " + random.nextInt() : "t" + random.nextInt(1000));
                case 2 -> {
                    // to a key equal under the collation (case, trailing space) or to another one
                    String other = switch (random.nextInt(4)) {
                        case 0 -> key.toUpperCase();
                        case 1 -> key + " ";
                        case 2 -> key.toLowerCase();
                        default -> name(random.nextInt(14_000));
                    };
                    execute("UPDATE IGNORE names SET k = ? WHERE k = ?", other, key);
                }
                case 3 -> execute("UPDATE names SET v = v - 1 WHERE k BETWEEN ? AND ?", key, key.substring(0, key.length() - 1) + "9");
                case 4 -> execute("DELETE FROM names WHERE k BETWEEN ? AND ?", key, key + "~");
                default -> execute("DELETE FROM names WHERE k = ?", key);
            }
        }

        private String name(int number)
        {
            return String.format("name-%06d", number);
        }

        // --- inserts only -------------------------------------------------------------------------

        private void insertOnly(boolean transaction)
                throws SQLException
        {
            int statements = transaction ? 2 + random.nextInt(4) : 1;
            for (int s = 0; s < statements; s++) {
                long fresh = FRESH_KEYS + index * 10_000_000L + counter++;
                switch (random.nextInt(6)) {
                    case 5 -> execute("INSERT INTO hot (id, v, note) VALUES (?, ?, 'fresh')", (int) (fresh % 1_000_000_000L), random.nextInt());
                    case 0 -> execute("INSERT INTO items (id, name, n, payload) VALUES (?, ?, ?, ?)",
                            unsigned(fresh), "fresh", random.nextInt(), payload());
                    // 2^64-100 .. 2^64-42 are free at the start; duplicates are ignored (and not logged)
                    case 1 -> execute("INSERT IGNORE INTO items (id, name, n, payload) VALUES (?, 'top', 1, NULL)", unsigned(TOP - 41 - random.nextInt(60)));
                    case 2 -> {
                        int rows = 1 + random.nextInt(20);
                        StringBuilder sql = new StringBuilder("INSERT INTO ledger (id, amount, note) VALUES ");
                        Object[] values = new Object[rows * 2];
                        for (int i = 0; i < rows; i++) {
                            sql.append(i == 0 ? "" : ", ").append("(?, ?, 'fresh')");
                            values[i * 2] = (int) (fresh % 1_000_000_000L) * (index % 2 == 0 ? 1 : -1);
                            values[i * 2 + 1] = random.nextInt();
                            fresh = FRESH_KEYS + index * 10_000_000L + counter++;
                        }
                        execute(sql.toString(), values);
                    }
                    case 3 -> {
                        int rows = 1 + random.nextInt(10);
                        StringBuilder sql = new StringBuilder("INSERT INTO pairs (a, b, v, note) VALUES ");
                        Object[] values = new Object[rows * 3];
                        for (int i = 0; i < rows; i++) {
                            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, NULL)");
                            values[i * 3] = (int) (fresh % 1_000_000_000L);
                            values[i * 3 + 1] = "f" + i;
                            values[i * 3 + 2] = random.nextInt();
                        }
                        execute(sql.toString(), values);
                    }
                    default -> execute("INSERT INTO names (k, v, t) VALUES (?, ?, ?)", "fresh-" + index + "-" + fresh, random.nextInt(), "\uD83D\uDE00");
                }
            }
        }

        // --- helpers ----------------------------------------------------------------------------

        private long itemKey(int range)
        {
            if (random.nextInt(10) == 0) {
                return TOP - random.nextInt(50);
            }
            return 1 + random.nextInt(range);
        }

        private byte[] payload()
        {
            // the five-table load writes fewer large values: each costs 400 KB of binlog per update
            byte[] payload = new byte[random.nextInt(mix == Mix.ITEMS ? 10 : 40) == 0 ? BLOB_BYTES : random.nextInt(100)];
            random.nextBytes(payload);
            return payload;
        }

        private void execute(String sql, Object... values)
                throws SQLException
        {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    Object value = values[i];
                    if (value instanceof byte[] bytes) {
                        statement.setBytes(i + 1, bytes);
                    }
                    else {
                        statement.setObject(i + 1, value);
                    }
                }
                statement.executeUpdate();
            }
        }
    }
}
