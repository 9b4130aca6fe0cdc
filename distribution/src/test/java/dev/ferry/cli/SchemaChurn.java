package dev.ferry.cli;

import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A source application that keeps changing its schema, for the kill-and-resume test across DDL:
 * one thread, one connection, writing rows to {@code churn} right before and right after every
 * statement of a rotation of schema changes (add a column and fill it at once, drop the oldest
 * added column, widen and narrow a column, create and drop an index, create a side table and
 * fill it, drop an older side table, rename a side table). Every DDL therefore has row events
 * with the old column count before it and row events with the new count after it, close enough
 * that a resume from a state saved before the DDL would decode them against the wrong structure.
 */
final class SchemaChurn
{
    private final MySqlServer server;
    private final String database;
    private final Random random;
    private final long pauseMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong schemaChanges = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Deque<String> addedColumns = new ArrayDeque<>();
    private final Deque<String> sideTables = new ArrayDeque<>();
    private Thread thread;
    private int nextId;
    private int step;
    private boolean wide;
    private boolean indexed;

    SchemaChurn(TestDatabase db, int rows, long seed, long pauseMillis)
    {
        requireNonNull(db, "db is null");
        this.server = db.source();
        this.database = db.name();
        this.random = new Random(seed);
        this.pauseMillis = pauseMillis;
        this.nextId = rows + 1;
    }

    /**
     * Creates {@code churn} with {@code rows} rows on the source.
     */
    static void createTable(TestDatabase db, int rows)
    {
        db.executeOnSource(
                "CREATE TABLE churn (id INT NOT NULL PRIMARY KEY, v VARCHAR(40) NOT NULL, n INT NOT NULL)",
                "INSERT INTO churn SELECT seq, CONCAT('row-', seq), seq % 1000 FROM seq_1_to_" + rows);
    }

    void start()
    {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::run, "schema-churn");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops the churn and returns the number of schema changes it made.
     *
     * @throws AssertionError when a statement failed
     */
    long stop()
            throws InterruptedException
    {
        running.set(false);
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new AssertionError("the schema churn did not stop");
        }
        Throwable failed = failure.get();
        if (failed != null) {
            throw new AssertionError("the schema churn failed after " + statements.get() + " statements: " + failed.getMessage(), failed);
        }
        return schemaChanges.get();
    }

    void halt()
    {
        running.set(false);
    }

    private void run()
    {
        try (Connection connection = server.openAdmin(database); Statement statement = connection.createStatement()) {
            while (running.get()) {
                rows(statement);
                schemaChange(statement);
                rows(statement);
                Thread.sleep(pauseMillis);
            }
        }
        catch (SQLException | RuntimeException e) {
            failure.set(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rows(Statement statement)
            throws SQLException
    {
        int operations = 1 + random.nextInt(4);
        for (int i = 0; i < operations; i++) {
            int existing = 1 + random.nextInt(nextId - 1);
            switch (random.nextInt(4)) {
                case 0 -> execute(statement, "INSERT INTO churn (id, v, n) VALUES (" + nextId++ + ", 'new-" + step + "', " + random.nextInt(1000) + ")");
                case 1 -> execute(statement, "UPDATE churn SET n = n + 1, v = CONCAT('upd-', " + step + ") WHERE id BETWEEN " + existing + " AND " + (existing + 20));
                case 2 -> execute(statement, "DELETE FROM churn WHERE id = " + existing);
                default -> {
                    if (addedColumns.isEmpty()) {
                        execute(statement, "UPDATE churn SET n = n - 1 WHERE id = " + existing);
                    }
                    else {
                        execute(statement, "UPDATE churn SET " + addedColumns.peekLast() + " = " + addedColumns.peekLast() + " + id WHERE id % 53 = " + random.nextInt(53));
                    }
                }
            }
        }
    }

    private void schemaChange(Statement statement)
            throws SQLException
    {
        int kind = step++ % 7;
        switch (kind) {
            case 0, 3 -> {
                String column = "c" + step;
                execute(statement, "ALTER TABLE churn ADD COLUMN " + column + " INT NOT NULL DEFAULT " + step);
                addedColumns.addLast(column);
            }
            case 1 -> {
                if (addedColumns.size() > 1) {
                    execute(statement, "ALTER TABLE churn DROP COLUMN " + addedColumns.removeFirst());
                }
                else {
                    String column = "d" + step;
                    execute(statement, "ALTER TABLE churn ADD COLUMN " + column + " INT NOT NULL DEFAULT 0 AFTER v");
                    addedColumns.addLast(column);
                }
            }
            case 2 -> {
                wide = !wide;
                execute(statement, "ALTER TABLE churn MODIFY v VARCHAR(" + (wide ? 60 : 40) + ") NOT NULL");
            }
            case 4 -> {
                indexed = !indexed;
                execute(statement, indexed ? "CREATE INDEX n_index ON churn (n)" : "DROP INDEX n_index ON churn");
            }
            case 5 -> {
                String table = "side" + step;
                execute(statement, "CREATE TABLE " + table + " (id INT NOT NULL PRIMARY KEY, x VARCHAR(10) NOT NULL)");
                execute(statement, "INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
                sideTables.addLast(table);
                if (sideTables.size() > 2) {
                    execute(statement, "DROP TABLE " + sideTables.removeFirst());
                }
            }
            default -> {
                if (sideTables.isEmpty()) {
                    execute(statement, "ALTER TABLE churn COMMENT = 'step " + step + "'");
                }
                else {
                    String table = sideTables.removeLast();
                    String renamed = table + "_r";
                    execute(statement, "RENAME TABLE " + table + " TO " + renamed);
                    sideTables.addLast(renamed);
                    execute(statement, "UPDATE " + renamed + " SET x = 'renamed'");
                }
            }
        }
        schemaChanges.incrementAndGet();
    }

    private void execute(Statement statement, String sql)
            throws SQLException
    {
        try {
            statement.execute(sql);
            statements.incrementAndGet();
        }
        catch (SQLException e) {
            throw new SQLException(e.getMessage() + " in: " + sql, e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
