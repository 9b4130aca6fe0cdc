package dev.ferry.testing;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A concurrent write load on the source whose end state depends on the order in which the
 * changes of each row, of each unique value and of each foreign-key family are applied: what a
 * parallel binlog applier must keep. Several threads, each with its own connection and
 * {@code Random(seed * 31 + thread)}, write to the six tables of {@link #createTables} until
 * stopped:
 * <ul>
 * <li>{@code hot (id BIGINT PK, u INT NULL UNIQUE, code VARBINARY(4) NOT NULL UNIQUE, v, note)}:
 * {@value #HOT_ROWS} rows hammered by every thread. Every update writes a note no other
 * statement writes, so the last change of a row applied before an earlier one shows. Unique
 * values are reused: a row is deleted and another inserted with its {@code u} and {@code code}
 * (in one transaction or in two), {@code u} moves from one row to another after being freed
 * ({@code NULL}), two rows swap codes through a temporary value, inserts draw {@code u} from a
 * pool only a little larger than the table. Primary keys change
 * ({@code SET id = id + 1000000}) and come back to small keys freed by deletes.</li>
 * <li>{@code plain (id BIGINT PK, v, note)}: no other unique key, the kind of table whose events
 * an applier may reduce to each row's last state: the same updates, deletes, re-inserts of freed
 * keys and key changes.</li>
 * <li>{@code parent -> child -> grandchild}: {@code ON DELETE CASCADE ON UPDATE CASCADE} at both
 * levels; families inserted in one transaction, parents deleted and re-keyed (the binlog shows
 * only the parent's event), children re-keyed, moved to another parent, deleted.</li>
 * <li>{@code journal (k, tag, n)}: no key at all, identical rows on purpose; inserts, single-row
 * deletes and updates ({@code LIMIT 1}) and deletes of every row of one {@code k}.</li>
 * </ul>
 * A fifth of the operations are transactions over all four kinds of table (one in ten rolled
 * back). Statements that lose a race on the source (duplicate key, missing parent, deadlock, lock
 * wait timeout) are expected: their transaction is rolled back and the thread goes on. Each
 * thread pauses between operations, so the load leaves CPU for ferry on a small machine.
 */
public final class OrderSensitiveLoad
{
    public static final int HOT_ROWS = 300;
    public static final int PLAIN_ROWS = 200;
    public static final int PARENTS = 100;

    /** values of {@code u}: a few more than rows, so that an insert mostly finds its value taken or just freed */
    private static final int UNIQUE_VALUES = HOT_ROWS + 40;
    private static final int JOURNAL_KEYS = 50;
    private static final long MOVED = 1_000_000L;
    /** per thread: fresh keys of hot, parent, child and grandchild rows */
    private static final int FRESH_KEYS = 10_000_000;
    private static final int KEYS_PER_THREAD = 1_000_000;
    // duplicate key, parent row missing on update or insert, deadlock, lock wait timeout
    private static final Set<Integer> EXPECTED_ERRORS = Set.of(1062, 1451, 1452, 1213, 1205);

    private final MySqlServer server;
    private final String database;
    private final long seed;
    private final int threads;
    private final long pauseMillis;
    private boolean replaySafe;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong uniqueReuses = new AtomicLong();
    private final AtomicLong keyChanges = new AtomicLong();
    private final AtomicLong cascades = new AtomicLong();
    private final AtomicLong keylessChanges = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> workers = new ArrayList<>();

    public OrderSensitiveLoad(TestDatabase db, long seed, int threads, long pauseMillis)
    {
        requireNonNull(db, "db is null");
        this.server = db.source();
        this.database = db.name();
        this.seed = seed;
        this.threads = threads;
        this.pauseMillis = pauseMillis;
    }

    /**
     * Creates and fills {@code hot}, {@code plain}, {@code parent}, {@code child},
     * {@code grandchild} and {@code journal} on the source.
     */
    public static void createTables(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE hot (id BIGINT NOT NULL PRIMARY KEY, u INT NULL, code VARBINARY(4) NOT NULL, v BIGINT NOT NULL, "
                        + "note VARCHAR(40) NOT NULL, UNIQUE KEY u (u), UNIQUE KEY code (code))",
                "INSERT INTO hot SELECT seq, seq, UNHEX(LPAD(HEX(seq), 8, '0')), 0, 'initial' FROM seq_1_to_" + HOT_ROWS,
                "CREATE TABLE plain (id BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL, note VARCHAR(40) NOT NULL)",
                "INSERT INTO plain SELECT seq, 0, 'initial' FROM seq_1_to_" + PLAIN_ROWS,
                "CREATE TABLE parent (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, v INT NOT NULL)",
                "CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL, v INT NOT NULL, "
                        + "CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "CREATE TABLE grandchild (id INT NOT NULL PRIMARY KEY, child_id INT NOT NULL, v INT NOT NULL, "
                        + "CONSTRAINT fk_child FOREIGN KEY (child_id) REFERENCES child (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "INSERT INTO parent SELECT seq, CONCAT('parent-', seq), 0 FROM seq_1_to_" + PARENTS,
                "INSERT INTO child SELECT seq, (seq - 1) DIV 3 + 1, 0 FROM seq_1_to_" + (PARENTS * 3),
                "INSERT INTO grandchild SELECT seq, (seq - 1) DIV 2 + 1, 0 FROM seq_1_to_" + (PARENTS * 6),
                "CREATE TABLE journal (k INT NOT NULL, tag VARCHAR(20) NOT NULL, n INT NOT NULL)",
                "INSERT INTO journal SELECT seq % " + JOURNAL_KEYS + ", CONCAT('t', seq % 7), 0 FROM seq_1_to_200",
                "ANALYZE TABLE hot, plain, parent, child, grandchild, journal");
    }

    /**
     * Leaves out what a resume cannot apply twice without harm (see {@code ResumeReplayIT} in the
     * distribution's tests): unique values taken by another row than their first, the keyless
     * table (its share goes to {@code plain}), parent and hot keys taken again after a delete or
     * a key change, deletes of parents (a grandchild inserted again would stay: the cascade finds
     * it through its parent, which is gone). Keys still change (to fresh ones), rows are deleted
     * and re-keyed, parent key changes and child deletes cascade, and plain's keys are reused
     * (each event of it sets a whole row). Call before {@link #start}.
     */
    public OrderSensitiveLoad replaySafe()
    {
        replaySafe = true;
        return this;
    }

    public void start()
    {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("the load is running");
        }
        workers.clear();
        for (int i = 0; i < threads; i++) {
            Worker worker = new Worker(i, new Random(seed * 31 + i));
            Thread thread = new Thread(worker::run, "order-sensitive-load-" + i);
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
    public long stop()
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
    public void halt()
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

    /** operations committed (a transaction counts once) */
    public long operations()
    {
        return operations.get();
    }

    /** operations that lost a race on the source (duplicate key, missing parent, deadlock) and were rolled back */
    public long skipped()
    {
        return skipped.get();
    }

    /** committed inserts and updates that took a unique value another row had just given up */
    public long uniqueReuses()
    {
        return uniqueReuses.get();
    }

    /** committed primary-key changes of hot, plain, parent and child rows */
    public long keyChanges()
    {
        return keyChanges.get();
    }

    /** committed deletes and key changes of parents and children that had rows to cascade into */
    public long cascades()
    {
        return cascades.get();
    }

    /** committed statements that changed journal */
    public long keylessChanges()
    {
        return keylessChanges.get();
    }

    /** committed transactions of several statements over several tables */
    public long transactions()
    {
        return transactions.get();
    }

    public String summary()
    {
        return String.format(Locale.ROOT, "%d operations (%d skipped), %d transactions, %d unique-value reuses, %d key changes, %d cascades, %d keyless changes",
                operations.get(), skipped.get(), transactions.get(), uniqueReuses.get(), keyChanges.get(), cascades.get(), keylessChanges.get());
    }

    private static byte[] code(long value)
    {
        return ByteBuffer.allocate(4).putInt((int) value).array();
    }

    /**
     * One thread of the load, with its own connection and random source. Counts of a
     * transaction are kept aside until it commits.
     */
    private final class Worker
    {
        private final int index;
        private final Random random;
        private Connection connection;
        private int counter;
        private long pendingReuses;
        private long pendingKeyChanges;
        private long pendingCascades;
        private long pendingKeyless;

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
                    boolean transaction = random.nextInt(5) == 0;
                    connection.setAutoCommit(!transaction);
                    try {
                        if (transaction) {
                            int statements = 2 + random.nextInt(4);
                            for (int i = 0; i < statements; i++) {
                                switch (i % 4) {
                                    case 0 -> hot();
                                    case 1 -> family();
                                    case 2 -> plain();
                                    default -> journal();
                                }
                            }
                            if (random.nextInt(10) == 0) {
                                connection.rollback();
                                discard();
                            }
                            else {
                                connection.commit();
                                transactions.incrementAndGet();
                                committed();
                            }
                        }
                        else {
                            switch (random.nextInt(10)) {
                                case 0, 1, 2 -> hot();
                                case 3, 4 -> plain();
                                case 5, 6, 7 -> family();
                                default -> journal();
                            }
                            committed();
                        }
                    }
                    catch (SQLException e) {
                        if (!EXPECTED_ERRORS.contains(e.getErrorCode())) {
                            throw e;
                        }
                        if (transaction) {
                            connection.rollback();
                            discard();
                        }
                        else {
                            // in autocommit, the statements of the operation before the failed one did commit
                            count();
                        }
                        skipped.incrementAndGet();
                    }
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        private void committed()
        {
            operations.incrementAndGet();
            count();
        }

        private void count()
        {
            uniqueReuses.addAndGet(pendingReuses);
            keyChanges.addAndGet(pendingKeyChanges);
            cascades.addAndGet(pendingCascades);
            keylessChanges.addAndGet(pendingKeyless);
            discard();
        }

        private void discard()
        {
            pendingReuses = 0;
            pendingKeyChanges = 0;
            pendingCascades = 0;
            pendingKeyless = 0;
        }

        // --- hot: one primary key, two unique keys ------------------------------------------------

        private void hot()
                throws SQLException
        {
            int choice = random.nextInt(20);
            if (replaySafe && choice >= 5 && choice <= 10) {
                // instead of the moves of unique values
                choice = 0;
            }
            switch (choice) {
                case 0, 1, 2, 3, 4 -> {
                    long[] row = pickHot();
                    if (row != null) {
                        update("UPDATE hot SET v = v + 1, note = ? WHERE id = ?", note(), row[0]);
                    }
                }
                case 5, 6, 7 -> replaceHotRow();
                case 8, 9 -> moveU();
                case 10 -> swapCodes();
                case 11, 12 -> {
                    long[] row = pickHot();
                    if (row != null) {
                        // away, or back onto a small key a delete freed
                        long key = random.nextBoolean() || replaySafe ? row[0] + MOVED : 1 + random.nextInt(HOT_ROWS);
                        pendingKeyChanges += update("UPDATE hot SET id = ?, note = ? WHERE id = ?", key, note(), row[0]);
                    }
                }
                case 13, 14 -> {
                    // a value of the pool: mostly taken (a duplicate, skipped), sometimes just freed
                    Integer u = random.nextInt(4) == 0 ? null : replaySafe ? (int) freshKey() : 1 + random.nextInt(UNIQUE_VALUES);
                    int inserted = update("INSERT INTO hot (id, u, code, v, note) VALUES (?, ?, ?, 0, ?)",
                            freshKey(), u, code(replaySafe ? freshKey() : 1 + random.nextInt(UNIQUE_VALUES)), note());
                    pendingReuses += u == null || replaySafe ? 0 : inserted;
                }
                case 15, 16 -> {
                    long[] row = pickHot();
                    if (row != null) {
                        update("DELETE FROM hot WHERE id = ?", row[0]);
                    }
                }
                default -> {
                    long[] row = pickHot();
                    if (row != null) {
                        update("UPDATE hot SET v = v + 1, note = ? WHERE id BETWEEN ? AND ?", note(), row[0], row[0] + random.nextInt(10));
                    }
                }
            }
        }

        /**
         * Deletes a row and inserts another with its {@code u} and {@code code}: in this
         * transaction, or in two when in autocommit (another thread may take the values between).
         */
        private void replaceHotRow()
                throws SQLException
        {
            long[] row = pickHot();
            if (row == null) {
                return;
            }
            if (update("DELETE FROM hot WHERE id = ?", row[0]) == 0) {
                return;
            }
            pendingReuses += update("INSERT INTO hot (id, u, code, v, note) VALUES (?, ?, ?, 0, ?)",
                    freshKey(), row[1] < 0 ? null : row[1], code(row[2]), note());
        }

        /**
         * Frees one row's {@code u} and gives it to another row, whose own value is freed in turn.
         */
        private void moveU()
                throws SQLException
        {
            long[] from = pickHot();
            long[] to = pickHot();
            if (from == null || to == null || from[1] < 0 || from[0] == to[0]) {
                return;
            }
            if (update("UPDATE hot SET u = NULL, note = ? WHERE id = ?", note(), from[0]) == 0) {
                return;
            }
            pendingReuses += update("UPDATE hot SET u = ?, note = ? WHERE id = ?", from[1], note(), to[0]);
        }

        /**
         * Two rows swap codes through a temporary value no other row holds.
         */
        private void swapCodes()
                throws SQLException
        {
            long[] a = pickHot();
            long[] b = pickHot();
            if (a == null || b == null || a[0] == b[0]) {
                return;
            }
            long temporary = -(FRESH_KEYS + (long) index * KEYS_PER_THREAD + ++counter);
            update("UPDATE hot SET code = ? WHERE id = ?", code(temporary), a[0]);
            update("UPDATE hot SET code = ?, note = ? WHERE id = ?", code(a[2]), note(), b[0]);
            pendingReuses += update("UPDATE hot SET code = ?, note = ? WHERE id = ?", code(b[2]), note(), a[0]);
        }

        /**
         * A random row of hot as {id, u (-1 for NULL), code as a number}, or null when the table
         * has fewer rows than the offset drawn (it shrinks and grows a little around its size).
         */
        private long[] pickHot()
                throws SQLException
        {
            try (PreparedStatement statement = connection.prepareStatement("SELECT id, u, code FROM hot ORDER BY id LIMIT 1 OFFSET ?")) {
                statement.setInt(1, random.nextInt(HOT_ROWS + HOT_ROWS / 4));
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return null;
                    }
                    long id = rows.getLong(1);
                    long u = rows.getLong(2);
                    if (rows.wasNull()) {
                        u = -1;
                    }
                    byte[] code = rows.getBytes(3);
                    return new long[] {id, u, code.length == 4 ? ByteBuffer.wrap(code).getInt() : 0};
                }
            }
        }

        // --- plain: the primary key only --------------------------------------------------------

        private void plain()
                throws SQLException
        {
            long key = pick("plain", PLAIN_ROWS);
            switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> update("UPDATE plain SET v = v + 1, note = ? WHERE id = ?", note(), key);
                case 4 -> update("DELETE FROM plain WHERE id = ?", key);
                // a key a delete or a key change freed, mostly still taken (a duplicate, skipped)
                case 5 -> update("INSERT INTO plain (id, v, note) VALUES (?, 0, ?)", 1 + random.nextInt(PLAIN_ROWS), note());
                case 6, 7 -> {
                    long to = random.nextBoolean() ? key + MOVED : 1 + random.nextInt(PLAIN_ROWS);
                    pendingKeyChanges += update("UPDATE plain SET id = ?, note = ? WHERE id = ?", to, note(), key);
                }
                default -> update("UPDATE plain SET v = v + 1, note = ? WHERE id BETWEEN ? AND ?", note(), key, key + random.nextInt(10));
            }
        }

        // --- parent -> child -> grandchild, cascading on delete and on update ---------------------

        private void family()
                throws SQLException
        {
            switch (random.nextInt(20)) {
                case 0, 1, 2, 3 -> {
                    long parent = freshKey();
                    update("INSERT INTO parent (id, name, v) VALUES (?, ?, 0)", parent, note());
                    for (int c = 0; c < 3; c++) {
                        long child = freshKey();
                        update("INSERT INTO child (id, parent_id, v) VALUES (?, ?, 0)", child, parent);
                        update("INSERT INTO grandchild (id, child_id, v) VALUES (?, ?, 0), (?, ?, 0)", freshKey(), child, freshKey(), child);
                    }
                }
                case 4, 5, 6 -> {
                    if (replaySafe) {
                        update("UPDATE parent SET v = v + 1, name = ? WHERE id = ?", note(), pick("parent", PARENTS));
                    }
                    else {
                        cascading(update("DELETE FROM parent WHERE id = ?", pick("parent", PARENTS)), 1);
                    }
                }
                case 7, 8, 9 -> {
                    // away, or onto a small key a delete freed
                    long key = random.nextInt(3) == 0 && !replaySafe ? 1 + random.nextInt(PARENTS) : freshKey();
                    cascading(update("UPDATE parent SET id = ?, v = v + 1 WHERE id = ?", key, pick("parent", PARENTS)), 2);
                }
                case 10, 11 -> cascading(update("UPDATE child SET id = ?, v = v + 1 WHERE id = ?", freshKey(), pick("child", PARENTS * 3)), 2);
                case 12, 13 -> update("UPDATE child SET parent_id = ?, v = v + 1 WHERE id = ?", pick("parent", PARENTS), pick("child", PARENTS * 3));
                case 14, 15 -> update("UPDATE grandchild SET v = v + 1 WHERE child_id = ?", pick("child", PARENTS * 3));
                case 16 -> cascading(update("DELETE FROM child WHERE id = ?", pick("child", PARENTS * 3)), 1);
                case 17 -> update("UPDATE parent SET v = v + 1, name = ? WHERE id = ?", note(), pick("parent", PARENTS));
                default -> update("INSERT INTO child (id, parent_id, v) VALUES (?, ?, 0)", freshKey(), pick("parent", PARENTS));
            }
        }

        private void cascading(int rows, int kind)
        {
            if (rows > 0) {
                pendingCascades++;
                if (kind == 2) {
                    pendingKeyChanges++;
                }
            }
        }

        /**
         * The key of a random row of {@code table} (0, which no row has, when the table has fewer
         * rows than the offset drawn).
         */
        private long pick(String table, int rows)
                throws SQLException
        {
            try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM " + table + " ORDER BY id LIMIT 1 OFFSET ?")) {
                statement.setInt(1, random.nextInt(rows + rows / 4));
                try (ResultSet result = statement.executeQuery()) {
                    return result.next() ? result.getLong(1) : 0;
                }
            }
        }

        // --- journal: no key ----------------------------------------------------------------------

        private void journal()
                throws SQLException
        {
            if (replaySafe) {
                plain();
                return;
            }
            int k = random.nextInt(JOURNAL_KEYS);
            int changed = switch (random.nextInt(20)) {
                case 0, 1, 2, 3, 4, 5, 6, 7, 8 -> update("INSERT INTO journal (k, tag, n) VALUES (?, ?, ?)", k, "t" + random.nextInt(7), random.nextInt(3));
                case 9, 10, 11, 12, 13, 14 -> update("DELETE FROM journal WHERE k = ? LIMIT 1", k);
                case 15, 16, 17, 18 -> update("UPDATE journal SET n = n + 1 WHERE k = ? LIMIT 1", k);
                default -> update("DELETE FROM journal WHERE k = ?", k);
            };
            pendingKeyless += changed > 0 ? 1 : 0;
        }

        // --- helpers ------------------------------------------------------------------------------

        private long freshKey()
        {
            return FRESH_KEYS + (long) index * KEYS_PER_THREAD + ++counter;
        }

        /**
         * A value no other statement writes: a change applied out of order leaves another one.
         */
        private String note()
        {
            return "w" + index + "-" + ++counter;
        }

        private int update(String sql, Object... values)
                throws SQLException
        {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    if (values[i] instanceof byte[] bytes) {
                        statement.setBytes(i + 1, bytes);
                    }
                    else {
                        statement.setObject(i + 1, values[i]);
                    }
                }
                return statement.executeUpdate();
            }
        }
    }
}
