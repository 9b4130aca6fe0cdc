package dev.ferry.cli;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #6: {@code bin/ferry copydb} killed with SIGKILL at random moments (seeded) while the
 * source takes a concurrent write load, and resumed with {@code --resume} each time, must end with
 * a target equal to the source, row by row, and a verifier that agrees. Kills land while starting
 * (before or after the first state is saved), during the copy (at random copy progress, and right
 * after a table finished), while replicating and waiting for the cutover, and inside the cutover
 * (while its before hook is pending, or just after it returned); the load stops only before the
 * cutover, as an application does. Also: resuming twice from the same saved state, damaged states
 * refused and left alone, a fresh start refused over an existing state, and SIGTERM (exit 143,
 * state saved, resumable). Both the {@code file} and the {@code target-db} state store.
 * <p>
 * Every run is its own {@code bin/ferry} JVM of the built distribution, as an operator runs it.
 */
@RealServers
class KillResumeIT
{
    /** items, pairs and ledger rows each: a copy of several seconds with small batches */
    private static final int ROWS = 30_000;
    private static final int SMALL_ROWS = 2_000;
    private static final int LOAD_THREADS = 3;
    private static final long LOAD_PAUSE_MILLIS = 3;
    private static final String JAVA_OPTIONS = "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern SAVED_PHASE = Pattern.compile("\"phase\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SAVED_AT = Pattern.compile("\"savedAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern OFFSET = Pattern.compile("(\"offset\"\\s*:\\s*)(\\d+)");
    private static final Pattern SAVED_FILE = Pattern.compile("(\"file\"\\s*:\\s*\")([^\"]+)\"");
    private static final String STATE_COLUMNS = "document, position_file, position_offset, position_gtid, "
            + "position_resume_file, position_resume_offset, position_resume_gtid";
    private static final ConcurrentLinkedQueue<String> KILLS = new ConcurrentLinkedQueue<>();

    /** kept when a test fails: the ferry-err-*.txt files hold each run's log */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    enum Store
    {
        FILE, TARGET_DB
    }

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
        assertTrue(Files.isExecutable(home.resolve("bin/ferry")), home + "/bin/ferry is missing or not executable: run mvn package first");
    }

    @AfterAll
    static void reportKills()
    {
        System.out.println("KillResumeIT: " + KILLS.size() + " SIGKILLs landed:\n  " + String.join("\n  ", KILLS));
    }

    /**
     * Two seeds per store; {@code -Dferry.killresume.seeds=1,2,3} runs each store with those
     * seeds instead, to hunt for a rare interleaving.
     */
    static List<Arguments> killRuns()
    {
        String seeds = System.getProperty("ferry.killresume.seeds", "").trim();
        if (seeds.isEmpty()) {
            return List.of(
                    Arguments.of(Store.FILE, 11L),
                    Arguments.of(Store.FILE, 12L),
                    Arguments.of(Store.TARGET_DB, 21L),
                    Arguments.of(Store.TARGET_DB, 22L));
        }
        List<Arguments> runs = new ArrayList<>();
        for (String seed : seeds.split(",")) {
            for (Store store : Store.values()) {
                runs.add(Arguments.of(store, Long.parseLong(seed.trim())));
            }
        }
        return runs;
    }

    @ParameterizedTest(name = "{0} store, seed {1}")
    @MethodSource("killRuns")
    void killedAtRandomMomentsAndResumedEndsEqual(Store store, long seed, TestDatabase db)
            throws Exception
    {
        long started = System.nanoTime();
        Random random = new Random(seed);
        WriteLoad.createTables(db, ROWS);
        CutoverHook hook = new CutoverHook();
        Move move = new Move(db, store, store == Store.FILE ? "checksum-table" : "iterative", hook.url());
        WriteLoad load = new WriteLoad(db, ROWS, seed, LOAD_THREADS, LOAD_PAUSE_MILLIS);
        List<String> kills = new ArrayList<>();
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            load.start();

            // while starting, before or just after the first state is saved
            ferry = move.start(false);
            ferry.controlUrl(PHASE_TIMEOUT);
            Thread.sleep(random.nextInt(700));
            assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
            boolean stateSaved = move.savedDocument().isPresent();
            kills.add("starting, " + (stateSaved ? "after" : "before") + " the first state was saved");
            if (!stateSaved) {
                FerryProcess nothing = move.start(true);
                assertEquals(Main.EXIT_STATE, nothing.await(RUN_TIMEOUT), nothing.toString());
                assertTrue(nothing.err().contains("ferry: nothing to resume: " + move.describeStore()), nothing.toString());
            }

            // during the copy: at random copy progress, and once right after a table finished
            int copyKills = 2 + random.nextInt(2);
            int afterTable = random.nextInt(copyKills);
            double[] thresholds = new double[copyKills];
            for (int i = 0; i < copyKills; i++) {
                thresholds[i] = 5 + random.nextDouble() * 80;
            }
            Arrays.sort(thresholds);
            for (int i = 0; i < copyKills; i++) {
                ferry = move.start(i > 0 || stateSaved);
                kills.add(killDuringCopy(ferry, i == afterTable ? -1 : thresholds[i], random));
                move.assertStateKept(ferry);
            }

            // replicating, waiting for the cutover command
            int binlogKills = 1 + random.nextInt(2);
            for (int i = 0; i < binlogKills; i++) {
                ferry = move.start(true);
                ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
                Thread.sleep(200 + random.nextInt(1500));
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                kills.add("waiting for the cutover");
                move.assertStateKept(ferry);
            }

            // the application stops writing for the cutover; ferry dies inside the cutover
            long operations = load.stop();
            assertTrue(operations > 100, "the write load ran only " + operations + " operations");
            hook.hold();
            ferry = move.start(true);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            int calls = hook.calls();
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            hook.awaitCall(calls, ferry);
            String landed;
            if (random.nextBoolean()) {
                landed = "in the cutover, while its before hook was pending";
            }
            else {
                long delay = random.nextInt(30);
                hook.release();
                Thread.sleep(delay);
                landed = "in the cutover, " + delay + " ms after its before hook returned";
            }
            int exit = ferry.kill();
            hook.release();
            if (exit == FerryProcess.EXIT_SIGKILL) {
                kills.add(landed + " (saved phase " + move.savedPhase().orElse("none") + ")");
            }
            else {
                // the cutover won the race against the kill
                assertFinishedWithMatch(ferry, exit);
            }

            if (!"done".equals(move.savedPhase().orElse(""))) {
                ferry = move.start(true);
                ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
                calls = hook.calls();
                assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
                assertFinishedWithMatch(ferry, ferry.await(RUN_TIMEOUT));
                assertEquals(calls + 1, hook.calls(), "the before hook was not called once by the last cutover");
            }
            // a finished run is not resumed again
            FerryProcess again = move.start(true);
            assertEquals(Main.EXIT_STATE, again.await(RUN_TIMEOUT), again.toString());
            assertTrue(again.err().contains("belongs to a run that finished"), again.toString());

            db.assertTargetEqualsSource();
            assertTrue(kills.size() >= 4, "only " + kills.size() + " kills: " + kills);
            for (String kill : kills) {
                KILLS.add(store + " seed " + seed + ": " + kill);
            }
            System.out.printf(Locale.ROOT, "KillResumeIT: %s store, seed %d: %d kills in %.1f s, %d writes%n",
                    store, seed, kills.size(), (System.nanoTime() - started) / 1e9, operations);
            passed = true;
        }
        finally {
            load.halt();
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            hook.close();
            move.cleanUp(passed);
        }
    }

    @ParameterizedTest(name = "{0} store")
    @EnumSource(Store.class)
    void resumingTwiceFromTheSameStateEndsEqual(Store store, TestDatabase db)
            throws Exception
    {
        long seed = 31 + store.ordinal();
        Random random = new Random(seed);
        WriteLoad.createTables(db, ROWS);
        Move move = new Move(db, store, "checksum-table");
        WriteLoad load = new WriteLoad(db, ROWS, seed, LOAD_THREADS, LOAD_PAUSE_MILLIS);
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            load.start();
            ferry = move.start(false);
            KILLS.add(store + " resume twice: " + killDuringCopy(ferry, 20 + random.nextDouble() * 30, random));
            List<String> saved = move.saveState();

            // the first resume gets far: the copy finishes and the binlog is applied well past the saved position
            ferry = move.start(true);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            Thread.sleep(1000);
            assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
            KILLS.add(store + " resume twice: waiting for the cutover, then the older state restored");
            assertFalse(saved.equals(move.saveState()), "the first resume saved no newer state");

            // the second resume starts from the same state again: rows already copied and events already applied come again
            move.restoreState(saved);
            ferry = move.start(true);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            Matcher savedAt = SAVED_AT.matcher(saved.get(0));
            assertTrue(savedAt.find(), "no savedAt in the state:\n" + saved.get(0));
            assertTrue(ferry.err().contains("resuming from " + move.describeStore()), ferry.toString());
            assertTrue(ferry.err().contains(" saved at " + savedAt.group(1) + ": binlog from "), "not resumed from the restored state\n" + ferry);
            load.stop();
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertFinishedWithMatch(ferry, ferry.await(RUN_TIMEOUT));
            db.assertTargetEqualsSource();
            passed = true;
        }
        finally {
            load.halt();
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            move.cleanUp(passed);
        }
    }

    /**
     * Issue #9: the source keeps changing its schema (a DDL every few dozen milliseconds, with row
     * events right before and after each) while ferry is killed during the copy and while
     * replicating. Every resume must decode the row events after its resume position against
     * the structure the source had there, so no kill may leave a saved position before a DDL the
     * target already ran.
     */
    @ParameterizedTest(name = "{0} store")
    @EnumSource(Store.class)
    void killedAcrossSchemaChangesAndResumedEndsEqual(Store store, TestDatabase db)
            throws Exception
    {
        long seed = 41 + store.ordinal();
        Random random = new Random(seed);
        SchemaChurn.createTable(db, ROWS);
        Move move = new Move(db, store, "iterative");
        SchemaChurn churn = new SchemaChurn(db, ROWS, seed, 50);
        List<String> kills = new ArrayList<>();
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            churn.start();
            ferry = move.start(false);
            kills.add(killDuringCopy(ferry, 20 + random.nextDouble() * 40, random));
            move.assertStateKept(ferry);
            for (int i = 0; i < 3; i++) {
                ferry = move.start(true);
                ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
                Thread.sleep(300 + random.nextInt(1200));
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                kills.add("replicating DDL and rows");
                move.assertStateKept(ferry);
            }
            long schemaChanges = churn.stop();
            assertTrue(schemaChanges >= 20, "the churn made only " + schemaChanges + " schema changes");

            ferry = move.start(true);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertFinishedWithMatch(ferry, ferry.await(RUN_TIMEOUT));
            db.assertTargetEqualsSource();
            for (List<String> table : db.source().query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db.name() + "'")) {
                String show = "SHOW CREATE TABLE `" + db.name() + "`.`" + table.get(0) + "`";
                assertEquals(createStatement(db.source().query(show)), createStatement(db.target().query(show)), table.get(0));
            }
            for (String kill : kills) {
                KILLS.add(store + " across DDL: " + kill);
            }
            System.out.printf(Locale.ROOT, "KillResumeIT: %s store across DDL: %d kills, %d schema changes%n", store, kills.size(), schemaChanges);
            passed = true;
        }
        finally {
            churn.halt();
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            move.cleanUp(passed);
        }
    }

    private static String createStatement(List<List<String>> showCreate)
    {
        return showCreate.get(0).get(1).replaceAll(" AUTO_INCREMENT=\\d+", "");
    }

    @ParameterizedTest(name = "{0} store")
    @EnumSource(Store.class)
    void sigtermSavesTheStateAndOnlyAResumeContinues(Store store, TestDatabase db)
            throws Exception
    {
        WriteLoad.createTables(db, SMALL_ROWS * 4);
        Move move = new Move(db, store, "checksum-table");
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            ferry = move.start(false);
            ferry.awaitPhase("copying", PHASE_TIMEOUT);
            assertEquals(CopydbCommand.EXIT_SIGTERM, ferry.terminate(RUN_TIMEOUT), ferry.toString());
            assertTrue(ferry.err().contains("SIGTERM received"), ferry.toString());
            assertTrue(ferry.err().contains("state saved to " + move.describeStore()), ferry.toString());
            assertTrue(ferry.out().startsWith("stopped"), ferry.toString());
            String saved = move.savedDocument().orElseThrow(() -> new AssertionError("no state after SIGTERM"));

            FerryProcess fresh = move.start(false);
            assertEquals(Main.EXIT_STATE, fresh.await(RUN_TIMEOUT), fresh.toString());
            assertTrue(fresh.err().contains("ferry: a state from an earlier run is stored in " + move.describeStore()), fresh.toString());
            assertTrue(fresh.err().contains(": resume it with copydb --resume, or move it away to start over"), fresh.toString());
            assertEquals(Optional.of(saved), move.savedDocument(), "a refused fresh start changed the state");

            ferry = move.start(true);
            assertCopyReportedDone(ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT));
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertFinishedWithMatch(ferry, ferry.await(RUN_TIMEOUT));
            db.assertTargetEqualsSource();
            passed = true;
        }
        finally {
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            move.cleanUp(passed);
        }
    }

    @ParameterizedTest(name = "{0} store")
    @EnumSource(Store.class)
    void damagedStatesAreRefusedAndLeftAlone(Store store, TestDatabase db)
            throws Exception
    {
        WriteLoad.createTables(db, SMALL_ROWS);
        Move move = new Move(db, store, "checksum-table");
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            ferry = move.start(false);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            assertEquals(CopydbCommand.EXIT_SIGTERM, ferry.terminate(RUN_TIMEOUT), ferry.toString());
            byte[] valid = move.savedDocument().orElseThrow().getBytes(StandardCharsets.UTF_8);
            String text = new String(valid, StandardCharsets.UTF_8);
            Matcher offset = OFFSET.matcher(text);
            assertTrue(offset.find(), "no binlog offset in the state:\n" + text);

            Map<String, byte[]> damaged = Map.of(
                    "truncated", Arrays.copyOf(valid, valid.length / 2),
                    "empty", new byte[0],
                    "foreign", "{\"hello\":1}".getBytes(StandardCharsets.UTF_8),
                    "negative offset", offset.replaceFirst("$1-$2").getBytes(StandardCharsets.UTF_8));
            Map<String, String> expected = Map.of(
                    "truncated", " is not valid JSON at line ",
                    "empty", store == Store.FILE ? " is empty (0 bytes), so ferry did not write it" : " holds an empty document, so ferry did not write it",
                    "foreign", " is not a ferry state document: it has no \"format\" field (its fields: hello)",
                    "negative offset", " has 1 problem:\n  - position.");
            for (Map.Entry<String, byte[]> variant : damaged.entrySet()) {
                move.writeDocument(variant.getValue());
                for (String[] args : List.of(new String[] {"copydb", "--resume"}, new String[] {"state", "show"})) {
                    FerryProcess refused = move.command(args);
                    int exit = refused.await(RUN_TIMEOUT);
                    String what = variant.getKey() + " state, " + String.join(" ", args) + ": ";
                    String err = refused.err();
                    // copydb: the state needs an operator, do not retry; state show: it failed
                    assertEquals(args[0].equals("copydb") ? Main.EXIT_STATE : 1, exit, what + refused);
                    assertTrue(("\n" + err).contains("\nferry: the state "), what + "no error line about the state\n" + refused);
                    assertTrue(err.contains(move.describeStore()), what + "the message does not name the store\n" + refused);
                    assertTrue(err.contains(expected.get(variant.getKey())), what + "expected \"" + expected.get(variant.getKey()) + "\" in\n" + refused);
                    assertTrue(err.contains("to start over"), what + "the message does not say how to go on\n" + refused);
                    if (variant.getKey().equals("negative offset")) {
                        assertTrue(err.contains("offset"), what + refused);
                    }
                    assertFalse(err.contains("state saved to"), what + refused);
                    assertArrayEquals(variant.getValue(), move.savedDocument().orElse("(none)").getBytes(StandardCharsets.UTF_8),
                            what + "the saved state was changed");
                }
            }

            // a position no event starts at (hand-edited), and one in a binlog file the source no longer has
            Map<String, String> positions = Map.of(
                    "mid-event offset", OFFSET.matcher(text).replaceAll(m -> m.group(1) + (Long.parseLong(m.group(2)) + 1)),
                    "purged file", SAVED_FILE.matcher(text).replaceAll(m -> m.group(1) + "purged-" + m.group(2) + "\""));
            for (Map.Entry<String, String> variant : positions.entrySet()) {
                byte[] document = variant.getValue().getBytes(StandardCharsets.UTF_8);
                move.writeDocument(document);
                FerryProcess refused = move.command("copydb", "--resume");
                int exit = refused.await(RUN_TIMEOUT);
                String what = variant.getKey() + ": ";
                String err = refused.err();
                assertEquals(Main.EXIT_STATE, exit, what + refused);
                assertTrue(err.contains("ferry: cannot resume the run saved in " + move.describeStore()), what + refused);
                assertTrue(variant.getKey().equals("purged file")
                        ? err.contains(" is no longer on the source (purged: its oldest binlog is ") && err.contains("start the move over")
                        : err.contains("no binlog event starts at ") || err.contains(" is past the end of "), what + refused);
                assertTrue(err.contains("the state is left as it was"), what + refused);
                assertArrayEquals(document, move.savedDocument().orElse("(none)").getBytes(StandardCharsets.UTF_8), what + "the saved state was changed");
            }

            // state show tells about a state another config saved
            String foreign = text.replaceFirst("(\"configFingerprint\"\\s*:\\s*\")[^\"]+\"", "$1f00dfeed\"");
            assertFalse(foreign.equals(text), "no config fingerprint in the state:\n" + text);
            move.writeDocument(foreign.getBytes(StandardCharsets.UTF_8));
            FerryProcess shown = move.command("state", "show");
            assertEquals(0, shown.await(RUN_TIMEOUT), shown.toString());
            assertTrue(shown.err().contains("ferry: warning: this state was saved by another config (fingerprint f00dfeed, "), shown.toString());

            // the intact state still resumes; its copy was finished before the stop
            move.writeDocument(valid);
            ferry = move.start(true);
            assertCopyReportedDone(ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT));
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertFinishedWithMatch(ferry, ferry.await(RUN_TIMEOUT));
            db.assertTargetEqualsSource();
            passed = true;
        }
        finally {
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            move.cleanUp(passed);
        }
    }

    /**
     * Kills {@code ferry} while it copies: once the copy passed {@code percent}, or right after
     * the next table finished when {@code percent} is negative. Kills it anyway when the copy
     * ended first. Returns where the kill landed.
     */
    private static String killDuringCopy(FerryProcess ferry, double percent, Random random)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        int tablesDone = -1;
        while (System.nanoTime() < deadline) {
            if (!ferry.isAlive()) {
                throw new AssertionError("ferry ended during the copy\n" + ferry);
            }
            Optional<FerryProcess.Status> status = ferry.status();
            if (status.isPresent()) {
                FerryProcess.Status now = status.get();
                String landed = null;
                if (now.phase().equals("copying")) {
                    if (tablesDone < 0) {
                        tablesDone = now.tablesDone();
                    }
                    if (percent < 0 && now.tablesDone() > tablesDone) {
                        landed = String.format(Locale.ROOT, "copying, right after table %d of 3 finished", now.tablesDone());
                    }
                    else if (percent >= 0 && now.percent() >= percent) {
                        landed = String.format(Locale.ROOT, "copying at %.0f%% (aimed at %.0f%%)", now.percent(), percent);
                        // off the status poll's rhythm
                        Thread.sleep(random.nextInt(40));
                    }
                }
                else if (!now.phase().equals("starting")) {
                    landed = "phase " + now.phase() + " (the copy ended before the aimed moment)";
                }
                if (landed != null) {
                    assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                    return landed;
                }
            }
            Thread.sleep(percent < 0 ? 20 : 50);
        }
        throw new AssertionError("the copy did not reach " + percent + "% within " + PHASE_TIMEOUT + "\n" + ferry);
    }

    /**
     * Tables copied before a stop count as copied in the resumed run's status.
     */
    private static void assertCopyReportedDone(FerryProcess.Status status)
    {
        assertEquals(3, status.tablesDone(), "a resumed run whose copy is finished reports " + status.tablesDone() + " of 3 tables copied: " + status);
        assertEquals(100.0, status.percent(), "a resumed run whose copy is finished reports it " + status.percent() + "% done: " + status);
    }

    private static void assertFinishedWithMatch(FerryProcess ferry, int exit)
    {
        assertEquals(0, exit, ferry.toString());
        assertTrue(ferry.out().startsWith("done: "), ferry.toString());
        assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
    }

    /**
     * The config and state store of one move of a test database.
     */
    private static final class Move
    {
        private final TestDatabase db;
        private final Store store;
        private final Path directory;
        private final Path config;
        private final Path stateFile;
        private final String metaDatabase;

        Move(TestDatabase db, Store store, String verifier)
                throws IOException
        {
            this(db, store, verifier, null);
        }

        /**
         * @param beforeHook the URL of the cutover's before hook, or null for none
         */
        Move(TestDatabase db, Store store, String verifier, String beforeHook)
                throws IOException
        {
            this.db = db;
            this.store = store;
            this.directory = Files.createDirectories(temp.resolve(db.name()));
            this.stateFile = directory.resolve("state/ferry-state.json");
            this.metaDatabase = "ferry_meta_" + db.name().substring(db.name().length() - 6);
            String state = store == Store.FILE
                    ? "state:\n  type: file\n  path: " + stateFile + "\n  checkpointInterval: 1s\n"
                    : "state:\n  type: target-db\n  database: " + metaDatabase + "\n  writePositionWithBatches: true\n  checkpointInterval: 1s\n";
            String yaml = server("source", db.source()) + server("target", db.target())
                    + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                    + "copy:\n  batchSize: 100\n  concurrency: 2\n  rangeSize: 4000\n"
                    + "replication:\n  batchSize: 50\n  heartbeat: 1s\n"
                    + "verifier:\n  type: " + verifier + "\n"
                    + state
                    + "cutover:\n  automatic: false\n"
                    + (beforeHook == null ? "" : "  hooks:\n    before:\n      url: " + beforeHook + "\n      timeout: 60s\n")
                    + "control:\n  bind: \"127.0.0.1:0\"\n"
                    + "progress:\n  interval: 5s\n";
            this.config = Files.writeString(directory.resolve("copydb.yaml"), yaml);
            if (store == Store.TARGET_DB) {
                db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
            }
        }

        private static String server(String role, MySqlServer server)
        {
            return role + ":\n  host: " + server.host() + "\n  port: " + server.port() + "\n  user: " + server.user()
                    + "\n  passwordEnv: FERRY_" + role.toUpperCase(Locale.ROOT) + "_PASSWORD\n  tls:\n    mode: disabled\n";
        }

        FerryProcess start(boolean resume)
                throws IOException
        {
            return resume ? command("copydb", "--resume") : command("copydb");
        }

        FerryProcess command(String... args)
                throws IOException
        {
            List<String> all = new ArrayList<>(List.of(args));
            all.add("--config");
            all.add(config.toString());
            return FerryProcess.start(home, directory,
                    Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password()),
                    JAVA_OPTIONS, all.toArray(String[]::new));
        }

        String describeStore()
        {
            return store == Store.FILE ? "file " + stateFile : "table `" + metaDatabase + "`.`ferry_state` on the target (run_id ";
        }

        Optional<String> savedDocument()
                throws IOException
        {
            if (store == Store.FILE) {
                return Files.exists(stateFile) ? Optional.of(Files.readString(stateFile)) : Optional.empty();
            }
            long tables = db.target().queryLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + metaDatabase
                    + "' AND TABLE_NAME = 'ferry_state'");
            if (tables == 0) {
                return Optional.empty();
            }
            List<List<String>> rows = db.target().query("SELECT document FROM `" + metaDatabase + "`.ferry_state");
            assertTrue(rows.size() <= 1, "more than one state row: " + rows);
            return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0).get(0));
        }

        /**
         * The whole saved state: the document and, in the target-db store, the per-batch position.
         */
        List<String> saveState()
                throws IOException
        {
            if (store == Store.FILE) {
                return List.of(Files.readString(stateFile));
            }
            List<List<String>> rows = db.target().query("SELECT " + STATE_COLUMNS + " FROM `" + metaDatabase + "`.ferry_state");
            assertEquals(1, rows.size(), "state rows: " + rows);
            return rows.get(0);
        }

        void restoreState(List<String> saved)
                throws IOException, SQLException
        {
            if (store == Store.FILE) {
                Files.writeString(stateFile, saved.get(0));
                return;
            }
            String[] columns = STATE_COLUMNS.split(", ");
            StringBuilder sql = new StringBuilder("UPDATE `" + metaDatabase + "`.ferry_state SET ");
            for (int i = 0; i < columns.length; i++) {
                sql.append(i == 0 ? "" : ", ").append(columns[i]).append(" = ?");
            }
            try (Connection connection = db.target().openAdmin();
                    PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < columns.length; i++) {
                    statement.setString(i + 1, saved.get(i));
                }
                assertEquals(1, statement.executeUpdate());
            }
        }

        /**
         * Replaces the saved document, as an operator's editor or a broken disk would.
         */
        void writeDocument(byte[] document)
                throws IOException, SQLException
        {
            if (store == Store.FILE) {
                Files.write(stateFile, document);
                return;
            }
            try (Connection connection = db.target().openAdmin();
                    PreparedStatement statement = connection.prepareStatement("UPDATE `" + metaDatabase + "`.ferry_state SET document = ?")) {
                statement.setString(1, new String(document, StandardCharsets.UTF_8));
                assertEquals(1, statement.executeUpdate());
            }
        }

        Optional<String> savedPhase()
                throws IOException
        {
            return savedDocument().map(document -> {
                Matcher phase = SAVED_PHASE.matcher(document);
                assertTrue(phase.find(), "no phase in the saved state:\n" + document);
                return phase.group(1);
            });
        }

        void assertStateKept(FerryProcess killed)
                throws IOException
        {
            assertTrue(savedPhase().isPresent(), "no state saved before the kill\n" + killed);
        }

        void cleanUp(boolean passed)
        {
            if (passed && store == Store.TARGET_DB) {
                db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
            }
        }
    }
    /**
     * The application's side of the cutover's before hook: counts the calls and, while held,
     * answers none of them, so that ferry waits inside its cutover.
     */
    private static final class CutoverHook
            implements AutoCloseable
    {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final AtomicInteger calls = new AtomicInteger();
        private volatile CountDownLatch held = new CountDownLatch(0);

        CutoverHook()
                throws IOException
        {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/before", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    calls.incrementAndGet();
                    held.await(60, TimeUnit.SECONDS);
                    exchange.sendResponseHeaders(204, -1);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                catch (IOException e) {
                    // ferry was killed while waiting for the answer
                }
            });
            server.setExecutor(executor);
            server.start();
        }

        String url()
        {
            return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/before";
        }

        int calls()
        {
            return calls.get();
        }

        void hold()
        {
            held = new CountDownLatch(1);
        }

        void release()
        {
            held.countDown();
        }

        /**
         * Waits until the hook was called more than {@code previous} times.
         */
        void awaitCall(int previous, FerryProcess ferry)
                throws InterruptedException
        {
            long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
            while (calls.get() <= previous) {
                if (!ferry.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the cutover did not call its before hook\n" + ferry);
                }
                Thread.sleep(5);
            }
        }

        @Override
        public void close()
        {
            release();
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
