package dev.ferry.runtime.online;

import dev.ferry.testing.MySqlServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A concurrent INSERT/UPDATE/DELETE load on a table {@code (id BIGINT UNSIGNED PK, name, n, payload)}:
 * inserts at random keys (including the top of the unsigned range), updates (including key
 * changes), deletes and large BLOBs, from several threads, until stopped.
 */
final class Workload
{
    private static final long TOP = Long.parseUnsignedLong("18446744073709551615");

    private final MySqlServer server;
    private final String database;
    private final String table;
    private final long seed;
    private final int threads;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> workers = new ArrayList<>();

    Workload(MySqlServer server, String database, String table, long seed, int threads)
    {
        this.server = server;
        this.database = database;
        this.table = table;
        this.seed = seed;
        this.threads = threads;
    }

    void start()
    {
        running.set(true);
        for (int i = 0; i < threads; i++) {
            Random random = new Random(seed * 31 + i);
            Thread thread = new Thread(() -> run(random), "workload-" + i);
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
    }

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

    private void run(Random random)
    {
        try (Connection connection = server.openAdmin(database)) {
            PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id, name, n, payload) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + 1");
            PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET n = n + 1, name = ? WHERE id = ?");
            PreparedStatement move = connection.prepareStatement("UPDATE IGNORE " + table + " SET id = ? WHERE id = ?");
            PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
            while (running.get()) {
                long key = key(random);
                try {
                    switch (random.nextInt(6)) {
                        case 0, 1 -> {
                            insert.setString(1, Long.toUnsignedString(key));
                            insert.setString(2, "w-" + random.nextInt(1000) + "-\uD83D\uDE00");
                            insert.setInt(3, random.nextInt());
                            byte[] payload = new byte[random.nextInt(10) == 0 ? 200_000 : random.nextInt(100)];
                            random.nextBytes(payload);
                            insert.setBytes(4, payload);
                            insert.executeUpdate();
                        }
                        case 2, 3 -> {
                            update.setString(1, "u-" + random.nextInt(1000));
                            update.setString(2, Long.toUnsignedString(key));
                            update.executeUpdate();
                        }
                        case 4 -> {
                            move.setString(1, Long.toUnsignedString(key(random)));
                            move.setString(2, Long.toUnsignedString(key));
                            move.executeUpdate();
                        }
                        default -> {
                            delete.setString(1, Long.toUnsignedString(key));
                            delete.executeUpdate();
                        }
                    }
                    operations.incrementAndGet();
                }
                catch (SQLException e) {
                    if (e.getErrorCode() != 1213 && e.getErrorCode() != 1205) {
                        throw e;
                    }
                }
            }
        }
        catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private static long key(Random random)
    {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return TOP - random.nextInt(50);
        }
        return 1 + random.nextInt(40_000);
    }
}
