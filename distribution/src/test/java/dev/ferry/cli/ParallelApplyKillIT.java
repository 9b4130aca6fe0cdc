package dev.ferry.cli;

import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.OrderSensitiveLoad;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replication.parallelism: 8} killed with SIGKILL at random moments (seeded) of the binlog
 * phase while eight writers change the source ({@link OrderSensitiveLoad}: hot rows with reused
 * unique values and key changes, a cascading parent/child/grandchild chain, a keyless table),
 * and resumed with {@code --resume} each time. The writers go on while ferry is down, so each
 * resume starts with a backlog applied in full batches, which is where a kill finds several
 * workers' transactions half done. After the writers stop, the last run cuts over: the verifier
 * must agree and every table must be equal, row by row. Both the {@code file} state store
 * (checkpoints) and the {@code target-db} store with {@code writePositionWithBatches} (the
 * position committed with each batch).
 * <p>
 * A resume applies again what the killed run applied after the saved position (with the
 * {@code target-db} store, the beginning of a transaction whose batch ended inside it):
 * {@link ResumeReplayIT} holds the cases this test ran into, reduced to a few statements.
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

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
        assertTrue(Files.isExecutable(home.resolve("bin/ferry")), home + "/bin/ferry is missing or not executable: run mvn package first");
    }

    /**
     * One seed per store; {@code -Dferry.parallelkill.seeds=1,2,3} runs each store with those
     * seeds instead.
     */
    static List<Arguments> runs()
    {
        String seeds = System.getProperty("ferry.parallelkill.seeds", "").trim();
        if (seeds.isEmpty()) {
            return List.of(Arguments.of(Store.FILE, 61L), Arguments.of(Store.TARGET_DB, 62L));
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
    @MethodSource("runs")
    void killedWhileApplyingInParallelAndResumedEndsEqual(Store store, long seed, TestDatabase db)
            throws Exception
    {
        long started = System.nanoTime();
        Random random = new Random(seed);
        String name = String.format(Locale.ROOT, "[ParallelApplyKillIT] %s store, seed %d", store, seed);
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
        Path config = Files.writeString(directory.resolve("copydb.yaml"), server("source", db.source()) + server("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "copy:\n  batchSize: 100\n  fullCopyTables: [" + db.name() + ".journal]\n"
                + "replication:\n  batchSize: 100\n  parallelism: 8\n  heartbeat: 1s\n"
                + "verifier:\n  type: iterative\n  batchSize: 300\n"
                + state
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n"
                + "progress:\n  interval: 5s\n");
        OrderSensitiveLoad load = new OrderSensitiveLoad(db, seed, WRITERS, WRITER_PAUSE_MILLIS);
        List<String> kills = new ArrayList<>();
        boolean passed = false;
        FerryProcess ferry = null;
        try {
            ferry = start(db, directory, config, false);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            load.start();
            for (int i = 1; i <= KILLS; i++) {
                String resumedFrom = "";
                if (i > 1) {
                    ferry = start(db, directory, config, true);
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
            ferry = start(db, directory, config, true);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            System.out.println(name + ": writers stopped after " + load.summary() + "; last run resumed from " + resumedFrom(ferry));
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertEquals(0, ferry.await(RUN_TIMEOUT), ferry.toString());
            assertTrue(ferry.out().startsWith("done: "), ferry.toString());
            assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
            db.assertTargetEqualsSource();

            assertEquals(KILLS, kills.size(), kills.toString());
            assertTrue(operations > 1_000, "the writers committed only " + operations + " operations: " + load.summary());
            assertTrue(load.uniqueReuses() > 50 && load.keyChanges() > 50 && load.cascades() > 50 && load.keylessChanges() > 50,
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
     * Where the resumed run said it resumes the binlog from.
     */
    private static String resumedFrom(FerryProcess ferry)
    {
        Matcher matcher = RESUMED_FROM.matcher(ferry.err());
        assertTrue(matcher.find(), "the run did not say where it resumed the binlog from\n" + ferry);
        return matcher.group(1);
    }

    private static FerryProcess start(TestDatabase db, Path directory, Path config, boolean resume)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of("copydb", "--config", config.toString()));
        if (resume) {
            args.add("--resume");
        }
        return FerryProcess.start(home, directory, Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password()),
                JAVA_OPTIONS, args.toArray(String[]::new));
    }

    private static String server(String role, MySqlServer server)
    {
        return role + ":\n  host: " + server.host() + "\n  port: " + server.port() + "\n  user: " + server.user()
                + "\n  passwordEnv: FERRY_" + role.toUpperCase(Locale.ROOT) + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }
}
