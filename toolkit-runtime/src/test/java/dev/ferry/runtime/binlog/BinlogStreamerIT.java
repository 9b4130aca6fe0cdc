package dev.ferry.runtime.binlog;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.binlog.RecordingListener.Call;
import dev.ferry.runtime.binlog.RecordingListener.Failure;
import dev.ferry.runtime.binlog.RecordingListener.Heartbeat;
import dev.ferry.runtime.binlog.RecordingListener.Query;
import dev.ferry.runtime.binlog.RecordingListener.Rows;
import dev.ferry.runtime.binlog.RecordingListener.TransactionEnd;
import dev.ferry.testing.MySqlServersExtension;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(MySqlServersExtension.class)
class BinlogStreamerIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void deliversEveryKindOfChangeWithItsPositions(TestDatabase database)
            throws Exception
    {
        database.executeOnSource(
                "CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(20))",
                "CREATE TABLE b (id BIGINT UNSIGNED PRIMARY KEY, n INT)",
                "CREATE TABLE ignored (id INT PRIMARY KEY)");
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        RecordingListener listener = new RecordingListener();
        Predicate<TableName> accepted = name -> name.database().equals(database.name()) && !name.table().equals("ignored");
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), accepted, listener)) {
            streamer.start(start);
            long sourceSecondsBefore = database.source().queryLong("SELECT UNIX_TIMESTAMP()");
            database.executeOnSource(
                    "INSERT INTO a VALUES (1, 'one')",
                    "INSERT INTO a VALUES (2, 'two'), (3, 'three')",
                    "UPDATE a SET v = 'uno' WHERE id = 1",
                    "UPDATE a SET id = 10 WHERE id = 2",
                    "UPDATE a SET v = CONCAT(v, '!') WHERE id IN (3, 10)",
                    "DELETE FROM a WHERE id = 3",
                    "BEGIN",
                    "INSERT INTO a VALUES (20, 'x')",
                    "INSERT INTO b VALUES (18446744073709551615, 1)",
                    "INSERT INTO ignored VALUES (1)",
                    "COMMIT",
                    "BEGIN",
                    "INSERT INTO b VALUES (5, 1)",
                    "UPDATE b SET n = 2 WHERE id = 5",
                    "DELETE FROM b WHERE id = 5",
                    "COMMIT");
            BinlogPosition beforeRotation = BinlogTestSupport.currentPosition(database.source());
            database.source().execute("FLUSH BINARY LOGS");
            database.executeOnSource(
                    "DELETE FROM a WHERE id IN (1, 10, 20)",
                    "CREATE TABLE c (id INT PRIMARY KEY)");
            BinlogPosition end = BinlogTestSupport.currentPosition(database.source());
            long sourceSecondsAfter = database.source().queryLong("SELECT UNIX_TIMESTAMP()");
            // not the server's position: after the rotation MariaDB writes a binlog checkpoint
            // event on its own schedule, which may land after the last statement and ends no transaction
            Query last = (Query) listener.await(call -> call instanceof Query query && query.sql().equals("CREATE TABLE c (id INT PRIMARY KEY)"), TIMEOUT);
            listener.awaitTransactionEnd(last.position().event(), TIMEOUT);
            assertTrue(streamer.skippedEvents().getOrDefault("rows of other tables", 0L) >= 1, streamer.skippedEvents().toString());

            List<Rows> rows = rowsOf(listener, database.name());
            List<String> described = new ArrayList<>();
            for (Rows call : rows) {
                described.add(describe(call.events()));
            }
            assertEquals(List.of(
                    "INSERT a [] -> [1, one]",
                    "INSERT a [] -> [2, two]; INSERT a [] -> [3, three]",
                    "UPDATE a [1, one] -> [1, uno]",
                    "UPDATE a [2, two] -> [10, two]",
                    "UPDATE a [3, three] -> [3, three!]; UPDATE a [10, two] -> [10, two!]",
                    "DELETE a [3, three!] -> []",
                    "INSERT a [] -> [20, x]",
                    "INSERT b [] -> [18446744073709551615, 1]",
                    "INSERT b [] -> [5, 1]",
                    "UPDATE b [5, 1] -> [5, 2]",
                    "DELETE b [5, 2] -> []",
                    "DELETE a [1, uno] -> [1, uno]; DELETE a [10, two!] -> [10, two!]; DELETE a [20, x] -> [20, x]"
                            .replace(" -> [1, uno]", " -> []").replace(" -> [10, two!]", " -> []").replace(" -> [20, x]", " -> []")),
                    described);

            // every rows event and transaction end carries the source's clock when it was written
            List<Call> calls = listener.events();
            for (Rows call : rows) {
                for (long sourceMillis : new long[] {call.sourceMillis(), nextTransactionEnd(calls, call).sourceMillis()}) {
                    assertEquals(0, sourceMillis % 1000, "whole seconds: " + sourceMillis);
                    assertTrue(sourceMillis >= sourceSecondsBefore * 1000 && sourceMillis <= sourceSecondsAfter * 1000,
                            sourceMillis + " is not between the source's clock before (" + sourceSecondsBefore + " s) and after (" + sourceSecondsAfter + " s)");
                }
            }

            // every rows event is inside its transaction: resume is the transaction's start
            for (Rows call : rows) {
                PositionPair position = call.events().get(0).position();
                assertEquals(position.event().file(), position.resume().file());
                assertTrue(position.resume().offset() < position.event().offset(), position.toString());
                assertNotEquals(Thread.currentThread(), call.thread());
                assertEquals(rows.get(0).thread(), call.thread());
                TransactionEnd end1 = nextTransactionEnd(calls, call);
                assertEquals(end1.position().event(), end1.position().resume());
                assertTrue(end1.position().event().compareTo(position.event()) > 0);
            }
            // the two-table and the three-statement transactions share one resume position each
            assertEquals(rows.get(6).events().get(0).position().resume(), rows.get(7).events().get(0).position().resume());
            assertEquals(rows.get(8).events().get(0).position().resume(), rows.get(10).events().get(0).position().resume());
            assertNotEquals(rows.get(7).events().get(0).position().resume(), rows.get(8).events().get(0).position().resume());
            assertTrue(rows.get(8).events().get(0).position().event().compareTo(rows.get(9).events().get(0).position().event()) < 0);
            // separate transactions resume at their own starts, at or after the previous end
            TransactionEnd firstEnd = nextTransactionEnd(calls, rows.get(0));
            assertTrue(rows.get(1).events().get(0).position().resume().compareTo(firstEnd.position().event()) >= 0);

            // rotation: the last statements are in the next file
            BinlogPosition rotated = rows.get(11).events().get(0).position().event();
            assertEquals(beforeRotation.file(), rows.get(10).events().get(0).position().event().file());
            assertTrue(rotated.file().compareTo(beforeRotation.file()) > 0, rotated.toString());

            // DDL: its own transaction, with the session's database
            Query create = null;
            for (Call call : calls) {
                if (call instanceof Query query && query.sql().contains("CREATE TABLE c")) {
                    create = query;
                }
            }
            assertNotNull(create, listener.summary());
            assertEquals(database.name(), create.database());
            TransactionEnd afterCreate = nextTransactionEnd(calls, create);
            assertEquals(create.position().event().offset(), afterCreate.position().event().offset());
            // the statement's position counts its transaction as not yet executed, the end as executed
            assertEquals(create.position().resume().gtidSet(), create.position().event().gtidSet());
            assertNotEquals(create.position().event().gtidSet(), afterCreate.position().event().gtidSet());
            assertTrue(create.position().resume().offset() < create.position().event().offset());

            // GTIDs (MariaDB: domain-server-sequence) grow with every transaction
            String gtidBefore = rows.get(0).events().get(0).position().resume().gtidSet();
            String gtidAfter = afterCreate.position().event().gtidSet();
            assertNotNull(gtidBefore);
            assertNotEquals(gtidBefore, gtidAfter);
            assertEquals(BinlogTestSupport.currentPosition(database.source()).compareTo(end) >= 0, true);
            assertNull(listener.failure());
        }
    }

    @Test
    void restartAtTheResumePositionDeliversTheWholeTransaction(TestDatabase database)
            throws Exception
    {
        database.executeOnSource("CREATE TABLE a (id INT PRIMARY KEY)", "CREATE TABLE b (id INT PRIMARY KEY)");
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        database.executeOnSource("BEGIN", "INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (2)", "COMMIT");
        BinlogPosition end = BinlogTestSupport.currentPosition(database.source());
        Predicate<TableName> accepted = name -> name.database().equals(database.name());

        AtomicReference<BinlogStreamer> first = new AtomicReference<>();
        RecordingListener stopping = new RecordingListener()
        {
            @Override
            public void onRowEvents(List<RowEvent> events, long sourceMillis)
            {
                super.onRowEvents(events, sourceMillis);
                first.get().stop();
            }
        };
        BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), accepted, stopping);
        first.set(streamer);
        streamer.start(start);
        Rows firstRows = (Rows) stopping.await(call -> call instanceof Rows, TIMEOUT);
        streamer.stop();
        Thread.sleep(300);
        assertEquals(List.of(firstRows), stopping.events(), "nothing after stop");
        assertFalse(streamer.isRunning());
        PositionPair stoppedAt = firstRows.events().get(0).position();
        assertTrue(stoppedAt.resume().compareTo(stoppedAt.event()) < 0);

        RecordingListener listener = new RecordingListener();
        try (BinlogStreamer restarted = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), accepted, listener)) {
            restarted.start(stoppedAt.resume());
            TransactionEnd transactionEnd = listener.awaitTransactionEnd(end, TIMEOUT);
            List<Rows> rows = rowsOf(listener, database.name());
            assertEquals(2, rows.size(), listener.summary());
            assertEquals("INSERT a [] -> [1]", describe(rows.get(0).events()));
            assertEquals("INSERT b [] -> [2]", describe(rows.get(1).events()));
            assertEquals(stoppedAt, rows.get(0).events().get(0).position());
            assertEquals(stoppedAt.resume(), rows.get(1).events().get(0).position().resume());
            assertEquals(end.file(), transactionEnd.position().event().file());
            assertEquals(listener.events().get(listener.events().indexOf(rows.get(1)) + 1), transactionEnd);
        }
    }

    @Test
    void aStartInTheMiddleOfATransactionHandsOnOnlyWhatWasNotAppliedBefore(TestDatabase database)
            throws Exception
    {
        database.executeOnSource("CREATE TABLE a (id INT PRIMARY KEY)", "CREATE TABLE b (id INT PRIMARY KEY)");
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        database.executeOnSource("BEGIN", "INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (2)", "INSERT INTO a VALUES (3)", "COMMIT");
        BinlogPosition end = BinlogTestSupport.currentPosition(database.source());
        Predicate<TableName> accepted = name -> name.database().equals(database.name());
        PositionPair afterFirst;
        RecordingListener whole = new RecordingListener();
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), accepted, whole)) {
            streamer.start(start);
            whole.awaitTransactionEnd(end, TIMEOUT);
            afterFirst = rowsOf(whole, database.name()).get(0).events().get(0).position();
        }
        assertTrue(afterFirst.resume().compareTo(afterFirst.event()) < 0, afterFirst.toString());

        // a saved position after the first row event of the transaction: a resume reads the
        // transaction from its start and hands on the rest only (a keyless insert applied twice adds a row)
        RecordingListener listener = new RecordingListener();
        try (BinlogStreamer restarted = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), accepted, listener)) {
            restarted.start(afterFirst.resume(), afterFirst.event());
            TransactionEnd transactionEnd = listener.awaitTransactionEnd(end, TIMEOUT);
            List<Rows> rows = rowsOf(listener, database.name());
            assertEquals(2, rows.size(), listener.summary());
            assertEquals("INSERT b [] -> [2]", describe(rows.get(0).events()));
            assertEquals("INSERT a [] -> [3]", describe(rows.get(1).events()));
            assertEquals(afterFirst.resume(), rows.get(0).events().get(0).position().resume());
            assertEquals(end.file(), transactionEnd.position().event().file());
        }
    }

    @Test
    void heartbeatsArriveWhileTheSourceIsIdle(TestDatabase database)
            throws Exception
    {
        RecordingListener listener = new RecordingListener();
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), name -> false, listener)) {
            streamer.start(BinlogTestSupport.currentPosition(database.source()));
            // the server sends heartbeats only while it has nothing else to send; other tests may write
            Heartbeat heartbeat = (Heartbeat) listener.await(call -> call instanceof Heartbeat, Duration.ofSeconds(90));
            assertNotNull(heartbeat.position().event().file());
            assertTrue(streamer.isRunning());
        }
    }

    @Test
    void currentPositionCarriesTheExactGtidPosition(TestDatabase database)
            throws Exception
    {
        database.executeOnSource("CREATE TABLE a (id INT PRIMARY KEY)", "INSERT INTO a VALUES (1)");
        try (Connection connection = database.source().open()) {
            BinlogPosition position = SourceServer.currentPosition(connection);
            assertEquals(SourceFlavor.MARIADB, SourceServer.flavor(connection));
            assertTrue(position.offset() > 4);
            assertTrue(position.gtidSet().matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*"), position.gtidSet());
            SourceServer.checkBinlogSettings(connection, false);
        }
    }

    @Test
    void aTableWithoutSchemaStopsTheStream(TestDatabase database)
            throws Exception
    {
        database.executeOnSource("CREATE TABLE a (id INT PRIMARY KEY)");
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        database.executeOnSource("INSERT INTO a VALUES (1)");
        RecordingListener listener = new RecordingListener();
        Function<TableName, Optional<TableSchema>> noSchemas = name -> Optional.empty();
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), noSchemas,
                name -> name.database().equals(database.name()), listener)) {
            streamer.start(start);
            Failure failure = (Failure) listener.await(call -> call instanceof Failure, TIMEOUT);
            String message = failure.failure().getMessage();
            assertTrue(message.contains("rows of " + database.name() + ".a") && message.contains("no schema is known"), message);
            Thread.sleep(200);
            assertFalse(streamer.isRunning());
            assertEquals(1, listener.calls().stream().filter(call -> call instanceof Failure).count());
        }
    }

    @Test
    void aSchemaThatDoesNotMatchTheBinlogStopsTheStream(TestDatabase database)
            throws Exception
    {
        database.executeOnSource("CREATE TABLE a (id INT PRIMARY KEY, v INT)");
        Function<TableName, Optional<TableSchema>> real = BinlogTestSupport.schemas(database);
        TableSchema stale = TestingSchemas.table(database.name(), "a").column("id", "int(11)").build();
        real.apply(new TableName(database.name(), "a"));
        BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
        database.executeOnSource("INSERT INTO a VALUES (1, 2)");
        RecordingListener listener = new RecordingListener();
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), name -> Optional.of(stale),
                name -> name.database().equals(database.name()), listener)) {
            streamer.start(start);
            Failure failure = (Failure) listener.await(call -> call instanceof Failure, TIMEOUT);
            String message = failure.failure().getMessage();
            assertTrue(message.contains("does not match the schema") && message.contains("2 columns") && message.contains(database.name() + ".a"), message);
        }
    }

    @Test
    void startFailsWithoutLeakingThePassword(TestDatabase database)
    {
        BinlogStreamerConfig config = BinlogTestSupport.config(database.source());
        String password = "wrong-" + config.password();
        BinlogStreamerConfig wrong = new BinlogStreamerConfig(config.host(), config.port(), config.user(), password, 0, 0,
                Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofSeconds(5), false);
        BinlogStreamer streamer = new BinlogStreamer(wrong, name -> Optional.empty(), name -> true, new RecordingListener());
        FerryException e = assertThrows(FerryException.class, () -> streamer.start(new BinlogPosition("bin.000001", 4, null)));
        assertTrue(e.getMessage().contains(config.host() + ":" + config.port()), e.getMessage());
        assertFalse(e.getMessage().contains(password), e.getMessage());
        assertFalse(wrong.toString().contains(password));
        streamer.stop();
    }

    @Test
    void stopIsPromptAndIdempotent(TestDatabase database)
            throws Exception
    {
        RecordingListener listener = new RecordingListener();
        BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), name -> false, listener);
        streamer.start(BinlogTestSupport.currentPosition(database.source()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (streamer.connectionId() < 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(streamer.connectionId() >= 0, "never connected");
        long started = System.nanoTime();
        streamer.stop();
        long stopMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(stopMillis < 2000, "stop took " + stopMillis + " ms");
        assertFalse(streamer.isRunning());
        streamer.stop();
        streamer.close();
        int calls = listener.calls().size();
        Thread.sleep(1500);
        assertEquals(calls, listener.calls().size(), "no call after stop");
        assertNull(listener.failure());
        assertThrows(IllegalStateException.class, () -> streamer.start(BinlogTestSupport.currentPosition(database.source())));
    }

    @Test
    void givesUpAfterTheRetriesNamingTheResumePosition(TestDatabase database)
            throws Exception
    {
        RecordingListener listener = new RecordingListener();
        BinlogStreamerConfig noRetries = BinlogTestSupport.config(database.source()).withRetries(0, Duration.ofMillis(10));
        try (BinlogStreamer streamer = new BinlogStreamer(noRetries, BinlogTestSupport.schemas(database), name -> false, listener)) {
            BinlogPosition start = BinlogTestSupport.currentPosition(database.source());
            streamer.start(start);
            BinlogTestSupport.killBinlogDump(database.source(), streamer);
            Failure failure = (Failure) listener.await(call -> call instanceof Failure, TIMEOUT);
            String message = failure.failure().getMessage();
            assertTrue(message.contains("lost the binlog connection to " + database.source().host() + ":" + database.source().port())
                    && message.contains("gave up after 0 retries") && message.contains("resume from " + start.file()), message);
        }
    }

    @Test
    void aPositionTheSourceCannotServeFailsAtOnce(TestDatabase database)
            throws Exception
    {
        RecordingListener listener = new RecordingListener();
        try (BinlogStreamer streamer = new BinlogStreamer(BinlogTestSupport.config(database.source()), BinlogTestSupport.schemas(database), name -> false, listener)) {
            streamer.start(new BinlogPosition("bin.999999", 4, null));
            Failure failure = (Failure) listener.await(call -> call instanceof Failure, TIMEOUT);
            String message = failure.failure().getMessage();
            assertTrue(message.contains("cannot send its binlog from bin.999999:4") && message.contains("purged"), message);
            assertEquals(1, streamer.connections());
        }
    }

    static List<Rows> rowsOf(RecordingListener listener, String database)
    {
        List<Rows> result = new ArrayList<>();
        for (Call call : listener.events()) {
            if (call instanceof Rows rows && rows.events().get(0).table().name().database().equals(database)) {
                result.add(rows);
            }
        }
        return result;
    }

    static TransactionEnd nextTransactionEnd(List<Call> calls, Call after)
    {
        for (int i = calls.indexOf(after) + 1; i < calls.size(); i++) {
            if (calls.get(i) instanceof TransactionEnd end) {
                return end;
            }
        }
        throw new AssertionError("no transaction end after " + after);
    }

    static String describe(List<RowEvent> events)
    {
        List<String> parts = new ArrayList<>();
        for (RowEvent event : events) {
            parts.add(event.type() + " " + event.table().name().table() + " " + values(event.before()) + " -> " + values(event.after()));
        }
        return String.join("; ", parts);
    }

    static String values(Row row)
    {
        if (row == null) {
            return "[]";
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            values.add(row.text(i, StandardCharsets.UTF_8));
        }
        return values.toString();
    }

    static Set<String> unique(List<String> values)
    {
        return new HashSet<>(values);
    }
}
