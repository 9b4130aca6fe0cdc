package dev.ferry.cli;

import dev.ferry.testing.OrderSensitiveLoad;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replication.parallelism: 8} killed with SIGKILL at random moments (seeded) of the binlog
 * phase while eight writers change the source ({@link OrderSensitiveLoad}: hot rows with two
 * unique keys and key changes, a table keyed by its primary key alone, a cascading
 * parent/child/grandchild chain, a keyless table), and resumed with {@code --resume} each time
 * (5 kills, each up to 3 s into the binlog phase, printed with the position the next run resumed
 * from). The writers go on while ferry is down, so each
 * resume starts with a backlog applied in full batches, which is where a kill finds several
 * workers' transactions half done. After the writers stop, the last run cuts over: the verifier
 * must agree and every table must be equal, row by row. Both the {@code file} state store
 * (checkpoints) and the {@code target-db} store with {@code writePositionWithBatches} (the
 * position committed with each batch).
 * <p>
 * A resume applies again what the killed run applied after the saved position: with the
 * {@code file} store, everything since the last checkpoint, and some of the load cannot be
 * applied twice exactly (rows of a keyless table, children found through cascades; ferry warns
 * at start, {@link ResumeReplayIT} holds the cases). So the {@code file} store runs the load
 * without those ({@code REPLAY_SAFE}, {@link OrderSensitiveLoad#replaySafe()}); the
 * {@code target-db} store, which writes positions with batches and applies nothing twice, runs the
 * whole load ({@code FULL}). {@code -Dferry.parallelkill.all=true} runs both mixes with both
 * stores; {@code file} with {@code FULL} then fails as the warning says.
 * <p>
 * Every run is its own {@code bin/ferry} JVM of the built distribution, as an operator runs it.
 */
@RealServers
class ParallelApplyKillIT
{
    private static final int WRITERS = 8;
    private static final long WRITER_PAUSE_MILLIS = 8;
    private static final int KILLS = 5;
    /** how long after the binlog phase began (or resumed) a kill lands, at most */
    private static final int MAX_KILL_DELAY_MILLIS = 3_000;
    private static final String JAVA_OPTIONS = "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    /** in the second batch of the backlog, not in its first part */
    private static final int LOCKED_ROW = 100;
    private static final Pattern RESUMED_FROM = Pattern.compile("binlog from (\\S+)");
    private static final Pattern VERIFICATION = Pattern.compile("verification: [^\\n]*");

    /** kept when a test fails: the ferry-err-*.txt files hold each run's log */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    enum Store
    {
        FILE, TARGET_DB
    }

    /**
     * The whole load, or the load without what a resume from a checkpoint cannot apply twice
     * exactly ({@link OrderSensitiveLoad#replaySafe()}).
     */
    enum Mix
    {
        FULL, REPLAY_SAFE
    }

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
        assertTrue(Files.isExecutable(home.resolve("bin/ferry")), home + "/bin/ferry is missing or not executable: run mvn package first");
    }

    /**
     * {@code file} with {@code REPLAY_SAFE} and {@code target-db} with {@code FULL}, one seed each;
     * {@code -Dferry.parallelkill.all=true} every store with every mix;
     * {@code -Dferry.parallelkill.seeds=1,2,3} those runs with each of these seeds instead.
     */
    static List<Arguments> runs()
    {
        List<List<Object>> runs = new ArrayList<>();
        if (Boolean.getBoolean("ferry.parallelkill.all")) {
            for (Mix mix : Mix.values()) {
                for (Store store : Store.values()) {
                    runs.add(List.of(store, mix));
                }
            }
        }
        else {
            runs.add(List.of(Store.FILE, Mix.REPLAY_SAFE));
            runs.add(List.of(Store.TARGET_DB, Mix.FULL));
        }
        String seeds = System.getProperty("ferry.parallelkill.seeds", "").trim();
        List<Arguments> seeded = new ArrayList<>();
        for (List<Object> run : runs) {
            if (seeds.isEmpty()) {
                seeded.add(Arguments.of(run.get(0), run.get(1), 61L + seeded.size()));
                continue;
            }
            for (String seed : seeds.split(",")) {
                seeded.add(Arguments.of(run.get(0), run.get(1), Long.parseLong(seed.trim())));
            }
        }
        return seeded;
    }

    @ParameterizedTest(name = "{0} store, {1}, seed {2}")
    @MethodSource("runs")
    void killedWhileApplyingInParallelAndResumedEndsEqual(Store store, Mix mix, long seed, TestDatabase db)
            throws Exception
    {
        long started = System.nanoTime();
        Random random = new Random(seed);
        String name = String.format(Locale.ROOT, "[ParallelApplyKillIT] %s store, %s, seed %d", store, mix, seed);
        System.out.println(name + ": starting");
        OrderSensitiveLoad.createTables(db);
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        String metaDatabase = "ferry_meta_" + db.name().substring(db.name().length() - 6);
        String state = store == Store.FILE
                ? "state:\n  type: file\n  path: " + directory.resolve("state/ferry-state.json") + "\n  checkpointInterval: 500ms\n"
                : "state:\n  type: target-db\n  database: " + metaDatabase + "\n  writePositionWithBatches: true\n  checkpointInterval: 500ms\n";
        if (store == Store.TARGET_DB) {
            db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
        }
        Path config = Files.writeString(directory.resolve("copydb.yaml"), FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "copy:\n  batchSize: 100\n  fullCopyTables: [" + db.name() + ".journal]\n"
                + "replication:\n  batchSize: 100\n  parallelism: 8\n  heartbeat: 1s\n"
                + "verifier:\n  type: iterative\n  batchSize: 300\n"
                + state
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n"
                + "progress:\n  interval: 5s\n");
        OrderSensitiveLoad load = new OrderSensitiveLoad(db, seed, WRITERS, WRITER_PAUSE_MILLIS);
        if (mix == Mix.REPLAY_SAFE) {
            load.replaySafe();
        }
        List<String> kills = new ArrayList<>();
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, false);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            load.start();
            for (int i = 1; i <= KILLS; i++) {
                String resumedFrom = "";
                if (i > 1) {
                    ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, true);
                    ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
                    resumedFrom = ", resumed from " + resumedFrom(ferry);
                }
                int delay = random.nextInt(MAX_KILL_DELAY_MILLIS);
                Thread.sleep(delay);
                long operations = load.operations();
                String phase = ferry.status().map(FerryProcess.Status::phase).orElse("unknown");
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                String kill = String.format(Locale.ROOT, "kill %d: %d ms into the binlog phase (%s), %d writes so far%s",
                        i, delay, phase, operations, resumedFrom);
                System.out.println(name + ": " + kill);
                kills.add(kill);
            }

            long operations = load.stop();
            ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, true);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            System.out.println(name + ": writers stopped after " + load.summary() + "; last run resumed from " + resumedFrom(ferry));
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertEquals(0, ferry.await(RUN_TIMEOUT), ferry.toString());
            assertTrue(ferry.out().startsWith("done: "), ferry.toString());
            assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
            db.assertTargetEqualsSource();

            assertEquals(KILLS, kills.size(), kills.toString());
            assertTrue(operations > 1_000, "the writers committed only " + operations + " operations: " + load.summary());
            assertTrue(load.uniqueReuses() > 50 && load.keyChanges() > 50 && load.cascades() > 50 && (mix == Mix.REPLAY_SAFE || load.keylessChanges() > 50),
                    "the load did too little of what makes the order matter: " + load.summary());
            Matcher verification = VERIFICATION.matcher(ferry.out());
            System.out.printf(Locale.ROOT, "%s: %d kills in %.1f s; %s%n", name, kills.size(), (System.nanoTime() - started) / 1e9,
                    verification.find() ? verification.group() : "");
            passed = true;
        }
        finally {
            load.halt();
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            if (passed && store == Store.TARGET_DB) {
                db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
            }
        }
    }

    /**
     * The moment random kills hardly ever hit: some parts of a batch committed, one not. A target
     * session holds a lock on one row of the second batch while the applier, paused until then,
     * works off a backlog of single-row updates (batches of 200, split into 6 parts); once rows
     * of the other parts are on the target, SIGKILL, then the lock goes. The position saved must
     * be below the batch, so that the resume writes the blocked part's rows: a position saved by
     * a part before the others committed would leave that row (and its part) behind.
     */
    @ParameterizedTest(name = "{0} store")
    @EnumSource(Store.class)
    void killedWhileOnePartWaitsAndResumedEndsEqual(Store store, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL, note VARCHAR(20) NOT NULL)",
                "INSERT INTO t SELECT seq, 0, 'initial' FROM seq_1_to_1000");
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        String metaDatabase = "ferry_meta_" + db.name().substring(db.name().length() - 6);
        if (store == Store.TARGET_DB) {
            db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
        }
        Path config = Files.writeString(directory.resolve("copydb.yaml"), FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "replication:\n  batchSize: 200\n  parallelism: 8\n  heartbeat: 1s\n"
                + "verifier:\n  type: iterative\n"
                + (store == Store.FILE
                        ? "state:\n  type: file\n  path: " + directory.resolve("state/ferry-state.json") + "\n  checkpointInterval: 500ms\n"
                        : "state:\n  type: target-db\n  database: " + metaDatabase + "\n  writePositionWithBatches: true\n  checkpointInterval: 500ms\n")
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n");
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, false);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            assertEquals(200, ferry.post("/api/pause?stage=replication"), ferry.toString());
            long applied = 0;
            String before;
            try (Connection lock = db.target().openAdmin(db.name())) {
                lock.setAutoCommit(false);
                try (Statement statement = lock.createStatement()) {
                    statement.executeQuery("SELECT * FROM t WHERE id = " + LOCKED_ROW + " FOR UPDATE").close();
                }
                // one transaction per row; the first may make a batch of its own, the pause caught it
                try (Connection source = db.source().openAdmin(db.name());
                        PreparedStatement update = source.prepareStatement("UPDATE t SET v = v + 1, note = 'after' WHERE id = ?")) {
                    for (int id = 1; id <= 400; id++) {
                        update.setInt(1, id);
                        update.executeUpdate();
                    }
                }
                Thread.sleep(1_000);
                assertEquals(200, ferry.post("/api/unpause?stage=replication"), ferry.toString());
                long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
                while (applied < 100 && System.nanoTime() < deadline && ferry.isAlive()) {
                    applied = db.target().queryLong("SELECT COUNT(*) FROM `" + db.name() + "`.t WHERE note = 'after'");
                    Thread.sleep(20);
                }
                // the part waits for the lock (50 s at most): checkpoints of the file store come and go
                Thread.sleep(1_500);
                applied = db.target().queryLong("SELECT COUNT(*) FROM `" + db.name() + "`.t WHERE note = 'after'");
                before = db.target().query("SELECT note FROM `" + db.name() + "`.t WHERE id = " + LOCKED_ROW).toString();
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                lock.rollback();
            }
            System.out.printf(Locale.ROOT, "[ParallelApplyKillIT] %s store: killed with %d of 400 updated rows on the target, row %d %s%n",
                    store, applied, LOCKED_ROW, before);
            assertTrue(applied >= 100, "the parts beside the blocked one did not commit: " + applied + " rows updated\n" + ferry);
            assertEquals("[[initial]]", before, "the row the target session locked was written before the kill");

            ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, true);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertEquals(0, ferry.await(RUN_TIMEOUT), ferry.toString());
            assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
            db.assertTargetEqualsSource();
            passed = true;
        }
        finally {
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            if (passed && store == Store.TARGET_DB) {
                db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
            }
        }
    }

    /**
     * Where the resumed run said it resumes the binlog from.
     */
    private static String resumedFrom(FerryProcess ferry)
    {
        Matcher matcher = RESUMED_FROM.matcher(ferry.err());
        assertTrue(matcher.find(), "the run did not say where it resumed the binlog from\n" + ferry);
        return matcher.group(1);
    }


}
