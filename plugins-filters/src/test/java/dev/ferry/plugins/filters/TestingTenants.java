package dev.ferry.plugins.filters;

import dev.ferry.testing.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A multi-tenant shop on the source: {@code accounts} and {@code orders} carry {@code tenant_id}
 * (50 tenants), {@code order_items} hang off orders, {@code countries} is shared. The workload
 * writes to every tenant (the moved one more often) until stopped: inserts, updates, deletes,
 * soft deletes, status changes in varying case, and rows moving between tenants: accounts, draft
 * orders (which never have items) and items moving to another order, of any tenant.
 */
final class TestingTenants
{
    static final int TENANTS = 50;
    static final int MOVED = 7;
    // the note of the orders the workload does not change
    private static final String KEPT = "kept";

    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;
    private static final String[] STATUSES = {"paid", "shipped", "void", "VOID", "Void", "Paid"};

    private final TestDatabase db;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final LongAdder operations = new LongAdder();
    private final LongAdder moves = new LongAdder();
    private Thread thread;

    TestingTenants(TestDatabase db)
    {
        this.db = db;
    }

    void create()
            throws SQLException
    {
        db.executeOnSource(
                "CREATE TABLE accounts (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, tenant_id INT NOT NULL, name VARCHAR(64) NOT NULL, "
                        + "balance DECIMAL(12,2) NOT NULL, deleted_at DATETIME(3) NULL, KEY tenant (tenant_id))",
                "CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, tenant_id INT NOT NULL, status VARCHAR(16) NOT NULL, "
                        + "total DECIMAL(12,2) NOT NULL, note VARCHAR(64) NULL, KEY tenant_id_id (tenant_id, id))",
                "CREATE TABLE order_items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, sku VARCHAR(32) NOT NULL, "
                        + "qty INT NOT NULL, KEY order_id (order_id))",
                "CREATE TABLE countries (code CHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL)");
        Random random = new Random(42);
        try (Connection connection = db.source().openAdmin(db.name())) {
            connection.setAutoCommit(false);
            try (PreparedStatement accounts = connection.prepareStatement("INSERT INTO accounts (tenant_id, name, balance, deleted_at) VALUES (?, ?, ?, ?)");
                    PreparedStatement orders = connection.prepareStatement("INSERT INTO orders (tenant_id, status, total, note) VALUES (?, ?, ?, ?)");
                    PreparedStatement countries = connection.prepareStatement("INSERT INTO countries VALUES (?, ?)")) {
                for (int i = 1; i <= 1000; i++) {
                    accounts.setInt(1, 1 + i % TENANTS);
                    accounts.setString(2, "account-" + i);
                    accounts.setBigDecimal(3, new java.math.BigDecimal(i).movePointLeft(2));
                    accounts.setString(4, i % 10 == 0 ? "2024-01-01 00:00:00.125" : null);
                    accounts.addBatch();
                }
                accounts.executeBatch();
                for (int i = 1; i <= 1500; i++) {
                    orders.setInt(1, 1 + i % TENANTS);
                    orders.setString(2, i % 6 == 0 ? "draft" : STATUSES[random.nextInt(STATUSES.length)]);
                    orders.setBigDecimal(3, new java.math.BigDecimal(random.nextInt(800_000)).movePointLeft(2));
                    orders.setString(4, i % 3 == 0 ? null : "note " + i);
                    orders.addBatch();
                }
                // orders of the moved tenant whose status equals 'void' only under the collation, which
                // the workload leaves alone (it may delete or change every other order of the tenant)
                for (String status : List.of("VOID", "Void")) {
                    orders.setInt(1, MOVED);
                    orders.setString(2, status);
                    orders.setBigDecimal(3, new java.math.BigDecimal("200.00"));
                    orders.setString(4, KEPT);
                    orders.addBatch();
                }
                orders.executeBatch();
                for (int i = 0; i < 20; i++) {
                    countries.setString(1, "" + (char) ('A' + i) + (char) ('Z' - i));
                    countries.setString(2, "Country " + i);
                    countries.addBatch();
                }
                countries.executeBatch();
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO order_items (order_id, sku, qty) SELECT o.id, CONCAT('sku-', o.id, '-', q.n), q.n "
                        + "FROM orders o JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) q WHERE o.status <> 'draft'");
            }
            connection.commit();
        }
        db.executeOnSource("ANALYZE TABLE accounts, orders, order_items, countries");
    }

    /**
     * Starts the workload on its own thread.
     */
    void start(long seed)
    {
        running.set(true);
        thread = new Thread(() -> run(seed), "tenant-workload");
        thread.start();
    }

    /**
     * Stops the workload and fails if it failed.
     */
    void stop()
            throws InterruptedException
    {
        running.set(false);
        if (thread != null) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("the workload failed: " + failure.get(), failure.get());
        }
    }

    long operations()
    {
        return operations.sum();
    }

    /**
     * Rows moved between tenants (accounts, draft orders, items to another order).
     */
    long moves()
    {
        return moves.sum();
    }

    private void run(long seed)
    {
        Random random = new Random(seed);
        try (Connection connection = db.source().openAdmin(db.name())) {
            connection.setAutoCommit(false);
            while (running.get()) {
                try {
                    step(connection, random);
                    connection.commit();
                    operations.increment();
                }
                catch (SQLException e) {
                    connection.rollback();
                    if (e.getErrorCode() != ER_LOCK_DEADLOCK && e.getErrorCode() != ER_LOCK_WAIT_TIMEOUT) {
                        throw e;
                    }
                }
                Thread.sleep(2);
            }
        }
        catch (Throwable e) {
            failure.set(e);
        }
    }

    private void step(Connection connection, Random random)
            throws SQLException
    {
        int tenant = random.nextInt(10) < 4 ? MOVED : 1 + random.nextInt(TENANTS);
        int otherTenant = random.nextInt(2) == 0 ? MOVED : 1 + random.nextInt(TENANTS);
        // half of the changes hit rows of the moved tenant, the rest any row
        boolean moved = random.nextBoolean();
        long account = moved ? pick(connection, "SELECT id FROM accounts WHERE tenant_id = 7 ORDER BY RAND() LIMIT 1") : 1 + random.nextInt(1200);
        long order = moved ? pick(connection, "SELECT id FROM orders WHERE tenant_id = 7 ORDER BY RAND() LIMIT 1") : 1 + random.nextInt(1800);
        long item = moved ? pick(connection, "SELECT i.id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.tenant_id = 7 "
                + "ORDER BY RAND() LIMIT 1") : 1 + random.nextInt(4000);
        switch (random.nextInt(16)) {
            case 0:
                update(connection, "INSERT INTO accounts (tenant_id, name, balance) VALUES (?, ?, ?)", tenant, "new-" + random.nextInt(), random.nextInt(10_000));
                break;
            case 1:
                update(connection, "UPDATE accounts SET balance = balance + 1.5, name = CONCAT('renamed-', id) WHERE id = ?", account);
                break;
            case 2:
                if (update(connection, "UPDATE accounts SET tenant_id = ? WHERE id = ?", otherTenant, account) > 0) {
                    moves.increment();
                }
                break;
            case 3:
                update(connection, "UPDATE accounts SET deleted_at = IF(deleted_at IS NULL, '2024-06-01 12:00:00.500', NULL) WHERE id = ?", account);
                break;
            case 4:
                update(connection, "DELETE FROM accounts WHERE id = ?", 1 + random.nextInt(1200));
                break;
            case 5: {
                update(connection, "INSERT INTO orders (tenant_id, status, total) VALUES (?, 'paid', ?)", tenant, random.nextInt(800_000) / 100.0);
                long id = lastInsertId(connection);
                for (int i = 1; i <= 1 + random.nextInt(3); i++) {
                    update(connection, "INSERT INTO order_items (order_id, sku, qty) VALUES (?, ?, ?)", id, "sku-" + id + "-" + i, i);
                }
                break;
            }
            case 6:
                update(connection, "INSERT INTO orders (tenant_id, status, total) VALUES (?, 'draft', 0)", tenant);
                break;
            case 7:
                update(connection, "UPDATE orders SET total = ?, note = ? WHERE id = ? AND NOT note <=> ?", random.nextInt(800_000) / 100.0,
                        random.nextBoolean() ? null : "changed", order, KEPT);
                break;
            case 8:
                update(connection, "UPDATE orders SET status = ? WHERE id = ? AND status <> 'draft' AND NOT note <=> ?", STATUSES[random.nextInt(STATUSES.length)],
                        order, KEPT);
                break;
            case 9:
                // only drafts change tenant: their children would not follow (see ShardingCopyFilter)
                if (update(connection, "UPDATE orders SET tenant_id = ? WHERE id = ? AND status = 'draft'", otherTenant, order) > 0) {
                    moves.increment();
                }
                break;
            case 10:
                // an order and its items, deleted in either order
                if (random.nextBoolean()) {
                    update(connection, "DELETE FROM order_items WHERE order_id = ?", order);
                    update(connection, "DELETE FROM orders WHERE id = ? AND NOT note <=> ?", order, KEPT);
                }
                else {
                    update(connection, "DELETE FROM orders WHERE id = ? AND NOT note <=> ?", order, KEPT);
                    update(connection, "DELETE FROM order_items WHERE order_id = ?", order);
                }
                break;
            case 11:
                update(connection, "UPDATE order_items SET qty = qty + 1 WHERE id = ?", item);
                break;
            case 12:
                if (update(connection, "UPDATE order_items i JOIN orders o ON o.id = ? AND o.status <> 'draft' SET i.order_id = o.id WHERE i.id = ?",
                        order, item) > 0) {
                    moves.increment();
                }
                break;
            case 13:
                update(connection, "INSERT INTO order_items (order_id, sku, qty) SELECT id, CONCAT('extra-', id), 1 FROM orders "
                        + "WHERE id = ? AND status <> 'draft'", order);
                break;
            case 14:
                update(connection, "DELETE FROM order_items WHERE id = ?", item);
                break;
            default:
                update(connection, "UPDATE countries SET name = CONCAT('Country ', ?) WHERE code = ?", random.nextInt(1000),
                        "" + (char) ('A' + random.nextInt(20)) + (char) ('Z' - random.nextInt(20)));
                break;
        }
    }

    private static int update(Connection connection, String sql, Object... parameters)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    private static long pick(Connection connection, String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    private static long lastInsertId(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT LAST_INSERT_ID()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Fails unless {@code sourceSql} on the source and {@code targetSql} on the target return the
     * same rows, byte for byte, in the same order; returns the number of rows.
     */
    static int assertSameRows(TestDatabase db, String sourceSql, String targetSql)
            throws SQLException
    {
        List<byte[][]> source = rows(db, true, sourceSql);
        List<byte[][]> target = rows(db, false, targetSql);
        int common = Math.min(source.size(), target.size());
        for (int i = 0; i < common; i++) {
            if (!Arrays.deepEquals(source.get(i), target.get(i))) {
                fail("row " + i + " differs for " + sourceSql + ": source " + describe(source.get(i)) + ", target " + describe(target.get(i)));
            }
        }
        if (source.size() != target.size()) {
            fail(sourceSql + ": source has " + source.size() + " rows, target " + target.size() + "; first extra row: "
                    + describe(source.size() > target.size() ? source.get(common) : target.get(common))
                    + (source.size() > target.size() ? " (source)" : " (target)"));
        }
        assertEquals(source.size(), target.size());
        return source.size();
    }

    private static List<byte[][]> rows(TestDatabase db, boolean onSource, String sql)
            throws SQLException
    {
        List<byte[][]> result = new ArrayList<>();
        try (Connection connection = (onSource ? db.source() : db.target()).openAdmin(db.name());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            int width = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                byte[][] row = new byte[width][];
                for (int i = 0; i < width; i++) {
                    row[i] = rows.getBytes(i + 1);
                }
                result.add(row);
            }
        }
        return result;
    }

    private static String describe(byte[][] row)
    {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < row.length; i++) {
            text.append(i == 0 ? "" : ", ").append(row[i] == null ? "NULL" : new String(row[i], java.nio.charset.StandardCharsets.UTF_8));
        }
        return text.append(')').toString();
    }
}
