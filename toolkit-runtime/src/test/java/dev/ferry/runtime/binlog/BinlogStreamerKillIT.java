package dev.ferry.runtime.binlog;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.binlog.RecordingListener.Call;
import dev.ferry.runtime.binlog.RecordingListener.Rows;
import dev.ferry.runtime.binlog.RecordingListener.TransactionEnd;
import dev.ferry.testing.MySqlServersExtension;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binlog dump connection is killed on the server while writes go on: the streamer reconnects
 * at the resume position and hands on every transaction exactly once.
 */
@ExtendWith(MySqlServersExtension.class)
class BinlogStreamerKillIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void killedConnectionsResumeWithEveryTransactionExactlyOnce(TestDatabase database)
            throws Exception
    {
        int transactions = 200;
        database.executeOnSource("CREATE TABLE k (tx INT, part INT, v VARCHAR(10), PRIMARY KEY (tx, part))");
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        AtomicInteger seen = new AtomicInteger();
        RecordingListener listener = countingUpdates(seen);
        TableName table = new TableName(database.name(), "k");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()).withRetries(10, Duration.ofMillis(50)),
                BinlogTestSupport.schemas(database), table::equals, listener)) {
            streamer.start(start);
            Future<?> writes = writer.submit(() -> {
                write(database, transactions, 3);
                return null;
            });
            int kills = 0;
            for (int threshold : new int[] {40, 90, 140}) {
                awaitAtLeast(seen, threshold, writes);
                BinlogTestSupport.killBinlogDump(database.source(), streamer);
                kills++;
            }
            writes.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            BinlogPosition end = BinlogTestSupport.currentPosition(database.source());
            listener.awaitTransactionEnd(end, TIMEOUT);

            assertNull(listener.failure());
            assertTrue(streamer.connections() > kills, "connections: " + streamer.connections());
            assertEveryTransactionOnce(listener, database.name(), transactions);
        }
        finally {
            writer.shutdownNow();
        }
    }

    @Test
    void reconnectsAskedForByAWaitingCallerResumeWithEveryTransactionExactlyOnce(TestDatabase database)
            throws Exception
    {
        int transactions = 200;
        database.executeOnSource("CREATE TABLE k (tx INT, part INT, v VARCHAR(10), PRIMARY KEY (tx, part))");
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        AtomicInteger seen = new AtomicInteger();
        RecordingListener listener = countingUpdates(seen);
        TableName table = new TableName(database.name(), "k");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()).withRetries(2, Duration.ofMillis(50)),
                BinlogTestSupport.schemas(database), table::equals, listener)) {
            streamer.start(start);
            Future<?> writes = writer.submit(() -> {
                write(database, transactions, 3);
                return null;
            });
            int reconnects = 0;
            for (int threshold : new int[] {30, 90, 150}) {
                awaitAtLeast(seen, threshold, writes);
                streamer.reconnect("asked by the test");
                reconnects++;
            }
            writes.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            BinlogPosition end = BinlogTestSupport.currentPosition(database.source());
            listener.awaitTransactionEnd(end, TIMEOUT);
            // an idle stream asked again and again (more often than readRetries, with nothing
            // read in between): asked-for reconnects are not failures
            for (int i = 0; i < 4; i++) {
                long connections = streamer.connections();
                streamer.reconnect("asked by the test while idle");
                reconnects++;
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (streamer.connections() == connections && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Thread.sleep(100);
            }
            Thread.sleep(500);

            assertNull(listener.failure());
            assertTrue(streamer.isRunning(), "the streamer gave up");
            assertTrue(streamer.connections() > reconnects, "connections: " + streamer.connections());
            assertEveryTransactionOnce(listener, database.name(), transactions);
        }
        finally {
            writer.shutdownNow();
        }
    }

    /**
     * A recording listener that counts the update rows events it hears in {@code seen}.
     */
    private static RecordingListener countingUpdates(AtomicInteger seen)
    {
        return new RecordingListener()
        {
            @Override
            public void onRowEvents(List<RowEvent> events, long sourceMillis)
            {
                super.onRowEvents(events, sourceMillis);
                if (events.get(0).type() == RowEvent.Type.UPDATE) {
                    seen.incrementAndGet();
                }
            }
        };
    }

    @Test
    void killInTheMiddleOfATransactionReplaysWithoutHandingOnTwice(TestDatabase database)
            throws Exception
    {
        int transactions = 6;
        int rowsPerTransaction = 60;
        database.executeOnSource("CREATE TABLE big (id INT PRIMARY KEY, tx INT, payload MEDIUMBLOB)");
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        try (Connection connection = database.source().openAdmin(database.name());
                PreparedStatement insert = connection.prepareStatement("INSERT INTO big VALUES (?, ?, ?)")) {
            byte[] payload = new byte[64 * 1024];
            connection.setAutoCommit(false);
            for (int tx = 0; tx < transactions; tx++) {
                for (int row = 0; row < rowsPerTransaction; row++) {
                    insert.setInt(1, tx * rowsPerTransaction + row);
                    insert.setInt(2, tx);
                    payload[row] = (byte) tx;
                    insert.setBytes(3, payload);
                    insert.executeUpdate();
                }
                connection.commit();
            }
        }
        BinlogPosition end = BinlogTestSupport.currentPosition(database.source());
        CountDownLatch midTransaction = new CountDownLatch(1);
        AtomicInteger rowsEvents = new AtomicInteger();
        RecordingListener listener = new RecordingListener()
        {
            @Override
            public void onRowEvents(List<RowEvent> events, long sourceMillis)
            {
                super.onRowEvents(events, sourceMillis);
                // slower than the server: it blocks mid-transaction on a full socket
                sleep(5);
                if (rowsEvents.incrementAndGet() == rowsPerTransaction * 2 + 20) {
                    midTransaction.countDown();
                }
            }
        };
        TableName table = new TableName(database.name(), "big");
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database),
                table::equals, listener)) {
            streamer.start(start);
            assertTrue(midTransaction.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            BinlogTestSupport.killBinlogDump(database.source(), streamer);
            listener.awaitTransactionEnd(end, TIMEOUT);

            assertNull(listener.failure());
            assertTrue(streamer.connections() >= 2, "connections: " + streamer.connections());
            assertTrue(streamer.replayedEvents() > 0, "the reconnect should have re-read part of a transaction");
            List<Integer> ids = new ArrayList<>();
            List<Call> calls = listener.events();
            int lastTx = -1;
            for (Call call : calls) {
                if (call instanceof Rows rows && rows.events().get(0).table().name().equals(table)) {
                    RowEvent event = rows.events().get(0);
                    int id = Integer.parseInt(event.after().text(0, StandardCharsets.US_ASCII));
                    int tx = Integer.parseInt(event.after().text(1, StandardCharsets.US_ASCII));
                    assertTrue(tx >= lastTx);
                    lastTx = tx;
                    ids.add(id);
                }
            }
            assertEquals(transactions * rowsPerTransaction, ids.size());
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(i, ids.get(i), "rows in binlog order, each once");
            }
        }
    }

    private static void write(TestDatabase database, int transactions, int pauseMillis)
            throws Exception
    {
        try (Connection connection = database.source().openAdmin(database.name());
                PreparedStatement insert = connection.prepareStatement("INSERT INTO k VALUES (?, 1, 'new'), (?, 2, 'new')");
                PreparedStatement update = connection.prepareStatement("UPDATE k SET v = 'updated' WHERE tx = ?")) {
            connection.setAutoCommit(false);
            for (int tx = 0; tx < transactions; tx++) {
                insert.setInt(1, tx);
                insert.setInt(2, tx);
                insert.executeUpdate();
                update.setInt(1, tx);
                update.executeUpdate();
                connection.commit();
                sleep(pauseMillis);
            }
        }
    }

    private static void assertEveryTransactionOnce(RecordingListener listener, String databaseName, int transactions)
    {
        List<Call> calls = listener.events();
        Set<String> inserted = new HashSet<>();
        Set<String> updated = new HashSet<>();
        int insertEvents = 0;
        int updateEvents = 0;
        for (int i = 0; i < calls.size(); i++) {
            if (!(calls.get(i) instanceof Rows rows) || !rows.events().get(0).table().name().database().equals(databaseName)) {
                continue;
            }
            // each transaction: one insert of both parts, one update of both, then its end
            RowEvent first = rows.events().get(0);
            assertEquals(RowEvent.Type.INSERT, first.type(), "call " + i);
            assertEquals(2, rows.events().size());
            String tx = first.after().text(0, StandardCharsets.US_ASCII);
            Rows updates = (Rows) calls.get(i + 1);
            assertEquals(RowEvent.Type.UPDATE, updates.events().get(0).type());
            assertTrue(calls.get(i + 2) instanceof TransactionEnd, "transaction " + tx + " ends after its update");
            for (RowEvent event : rows.events()) {
                assertTrue(inserted.add(event.after().text(0, StandardCharsets.US_ASCII) + "/" + event.after().text(1, StandardCharsets.US_ASCII)));
                insertEvents++;
            }
            for (RowEvent event : updates.events()) {
                assertEquals("updated", event.after().text(2, StandardCharsets.US_ASCII));
                assertTrue(updated.add(event.after().text(0, StandardCharsets.US_ASCII) + "/" + event.after().text(1, StandardCharsets.US_ASCII)));
                updateEvents++;
            }
            i += 2;
        }
        assertEquals(2 * transactions, insertEvents);
        assertEquals(2 * transactions, updateEvents);
        assertEquals(inserted, updated);
    }

    private static void awaitAtLeast(AtomicInteger counter, int value, Future<?> writes)
            throws Exception
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (counter.get() < value) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + counter.get() + " transactions arrived");
            }
            if (writes.isDone()) {
                writes.get();
            }
            Thread.sleep(5);
        }
    }

    private static void sleep(int millis)
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
