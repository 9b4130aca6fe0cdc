package dev.ferry.cli;

import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18: {@code ferry copydb --config FILE --resume=auto} is the one command line a
 * supervisor (a Kubernetes Job, a systemd unit with {@code Restart=on-failure}) restarts. Killed
 * with SIGKILL at random moments, the first ones inside the first second of the process, and
 * each time restarted with exactly that line while the source takes writes, the move ends with a
 * target equal to the source; restarted once more after it finished, it does nothing and exits 0.
 * And a supervisor loop that retries only the exit codes the README calls retryable.
 */
@RealServers
class RestartableRunIT
{
    private static final int ROWS = 8_000;
    private static final String JAVA_OPTIONS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    /** the exit codes README.md tells supervisors to retry; 137 is a SIGKILL (an OOM kill, a node lost) */
    private static final Set<Integer> RETRY = Set.of(Main.EXIT_FAILURE, FerryProcess.EXIT_SIGKILL);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
        assertTrue(Files.isExecutable(home.resolve("bin/ferry")), home + "/bin/ferry is missing or not executable: run mvn package first");
    }

    @Test
    void killedAtRandomMomentsAndRestartedWithTheSameLineEndsEqual(TestDatabase db)
            throws Exception
    {
        Random random = new Random(1801);
        WriteLoad.createTables(db, ROWS);
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        Path stateFile = directory.resolve("state.json");
        Path config = Files.writeString(directory.resolve("copydb.yaml"), yaml(db, "state:\n  type: file\n  path: " + stateFile
                + "\n  checkpointInterval: 1s\n", false, 50));
        WriteLoad load = new WriteLoad(db, ROWS, 1801, 2, 3);
        List<String> kills = new ArrayList<>();
        FerryProcess ferry = null;
        try {
            load.start();
            // inside the first second of the process: before, while or just after it prepares the target
            for (int i = 0; i < 3; i++) {
                ferry = restart(db, directory, config);
                Thread.sleep(i == 0 ? random.nextInt(300) : 300 + random.nextInt(700));
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                kills.add(describe("first second", stateFile, db));
            }
            // once the control server is up: the first state is saved around here
            for (int i = 0; i < 2; i++) {
                ferry = restart(db, directory, config);
                ferry.controlUrl(PHASE_TIMEOUT);
                Thread.sleep(random.nextInt(600));
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                kills.add(describe("control server up", stateFile, db));
            }
            // during the copy and while waiting for the cutover
            ferry = restart(db, directory, config);
            ferry.awaitPhase("copying", PHASE_TIMEOUT);
            Thread.sleep(random.nextInt(1500));
            assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
            kills.add(describe("copying", stateFile, db));
            ferry = restart(db, directory, config);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            Thread.sleep(random.nextInt(1000));
            assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
            kills.add(describe("waiting for the cutover", stateFile, db));

            load.stop();
            ferry = restart(db, directory, config);
            ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertEquals(Main.EXIT_OK, ferry.await(RUN_TIMEOUT), ferry.toString());
            assertTrue(ferry.out().startsWith("done: "), ferry.toString());
            assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
            db.assertTargetEqualsSource();

            // the supervisor restarts it once more: a finished run does nothing and succeeds
            FerryProcess again = restart(db, directory, config);
            assertEquals(Main.EXIT_OK, again.await(RUN_TIMEOUT), again.toString());
            assertTrue(again.out().contains("finished already; nothing to do"), again.toString());
            db.assertTargetEqualsSource();
            System.out.println("RestartableRunIT: SIGKILLs landed:\n  " + String.join("\n  ", kills));
        }
        finally {
            load.halt();
            if (ferry != null) {
                ferry.destroyQuietly();
            }
        }
    }

    @Test
    void aSupervisorRetriesOnlyTheRetryableExitCodes(TestDatabase db)
            throws Exception
    {
        WriteLoad.createTables(db, 500);
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        Path stateFile = directory.resolve("state.json");
        String state = "state:\n  type: file\n  path: " + stateFile + "\n";

        // bad config: 2, given up at once
        Path bad = Files.writeString(directory.resolve("bad.yaml"), yaml(db, state, true, 0));
        List<Integer> exits = supervise(db, directory, bad, Map.of(), 5);
        assertEquals(List.of(Main.EXIT_USAGE), exits);

        // a runtime failure (the target refuses the password until the secret is fixed): 1, retried
        // with the same line until it succeeds
        Path good = Files.writeString(directory.resolve("copydb.yaml"), yaml(db, state, true, 50));
        Map<String, String> wrongPassword = Map.of("FERRY_TARGET_PASSWORD", "not-" + db.target().password());
        exits = supervise(db, directory, good, wrongPassword, 5);
        assertEquals(List.of(Main.EXIT_FAILURE, Main.EXIT_FAILURE, Main.EXIT_OK), exits);
        db.assertTargetEqualsSource();

        // the state of another config: 3, given up at once, the state left alone
        String saved = Files.readString(stateFile);
        Path other = Files.writeString(directory.resolve("other.yaml"), yaml(db, state, true, 50)
                .replace("databases: [" + db.name() + "]", "databases: [" + db.name() + "]\n  tables: [\"" + db.name() + ".*\"]"));
        exits = supervise(db, directory, other, Map.of(), 5);
        assertEquals(List.of(Main.EXIT_STATE), exits);
        assertEquals(saved, Files.readString(stateFile));
    }

    private static List<Integer> supervise(TestDatabase db, Path directory, Path config, Map<String, String> brokenEnvironment, int attempts)
            throws IOException, InterruptedException
    {
        return supervise(db, directory, config, brokenEnvironment, attempts, new ArrayList<>());
    }

    /**
     * Runs {@code copydb --config FILE --resume=auto} until it exits with a code a supervisor does
     * not retry, at most {@code attempts} times; the first two attempts run with
     * {@code brokenEnvironment} on top of the right one (a secret fixed meanwhile).
     */
    private static List<Integer> supervise(TestDatabase db, Path directory, Path config, Map<String, String> brokenEnvironment, int attempts,
            List<Integer> exits)
            throws IOException, InterruptedException
    {
        for (int attempt = 0; attempt < attempts; attempt++) {
            Map<String, String> environment = new HashMap<>(passwords(db));
            if (attempt < 2) {
                environment.putAll(brokenEnvironment);
            }
            FerryProcess ferry = FerryProcess.start(home, directory, environment, JAVA_OPTIONS,
                    "copydb", "--config", config.toString(), "--resume=auto");
            int exit = ferry.await(RUN_TIMEOUT);
            exits.add(exit);
            if (!RETRY.contains(exit)) {
                if (exit == Main.EXIT_OK) {
                    assertTrue(ferry.out().startsWith("done: "), ferry.toString());
                }
                return exits;
            }
        }
        return exits;
    }

    private static FerryProcess restart(TestDatabase db, Path directory, Path config)
            throws IOException
    {
        return FerryProcess.start(home, directory, passwords(db), JAVA_OPTIONS, "copydb", "--config", config.toString(), "--resume=auto");
    }

    private static Map<String, String> passwords(TestDatabase db)
    {
        return Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password());
    }

    private static String describe(String moment, Path stateFile, TestDatabase db)
    {
        long tables = db.target().queryLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db.name() + "'");
        return String.format(Locale.ROOT, "%s: %s, %d target tables", moment, Files.exists(stateFile) ? "state saved" : "no state yet", tables);
    }

    private static String yaml(TestDatabase db, String state, boolean automatic, int batchSize)
    {
        return FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "copy:\n  batchSize: " + batchSize + "\n  concurrency: 2\n  rangeSize: 2000\n"
                + "replication:\n  batchSize: 100\n  heartbeat: 1s\n"
                + "verifier:\n  type: checksum-table\n"
                + state
                + "cutover:\n  automatic: " + automatic + "\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n"
                + "progress:\n  interval: 5s\n";
    }

}
