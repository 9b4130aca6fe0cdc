package dev.ferry.cli;

import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, item 1, with the real verifier plugins and the command line: rows changed on the
 * target by someone else after the copy (an update, a delete, an insert) make {@code copydb}
 * refuse the cutover and exit 4 (verification failed), naming the table and the keys, whatever
 * the verifier: {@code iterative} and {@code inline} re-verify at cutover only keys the source's
 * binlog changed, {@code checksum-table} would see the difference, {@code none} looks at nothing.
 * {@code kill-resume}: the watch found the writes, the process is killed (SIGKILL) and resumed;
 * the findings come back from the state and still refuse the cutover.
 */
@RealServers
class TargetWritesCliIT
{
    private static final String JAVA_OPTIONS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iterative", "inline", "checksum-table", "none", "kill-resume"})
    void writesToTheTargetByOthersFailTheCutoverWithExit4(String run, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, c VARCHAR(32) NOT NULL)",
                "INSERT INTO big SELECT seq, CONCAT('row-', seq) FROM seq_1_to_3000");
        String verifier = switch (run) {
            case "inline" -> "{type: inline, interval: 200ms, batchSize: 100}";
            case "checksum-table" -> "{type: checksum-table}";
            case "none" -> "{type: none}";
            default -> "{type: iterative, batchSize: 500}";
        };
        StringBuilder yaml = new StringBuilder(FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "copy:\n  batchSize: 500\n"
                + "replication:\n  heartbeat: 1s\n"
                + "verifier: " + verifier + "\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n");
        if (run.equals("kill-resume")) {
            yaml.append("state:\n  type: file\n  path: ").append(temp.resolve(db.name() + "-state.json")).append("\n  checkpointInterval: 200ms\n");
        }
        Path config = Files.writeString(temp.resolve(db.name() + ".yaml"), yaml.toString());
        FerryProcess ferry = start(db, config, false);
        try {
            ferry.awaitPhase("waiting-for-cutover", TIMEOUT);
            db.executeOnTarget(
                    "UPDATE big SET c = 'TAMPERED' WHERE id = 778",
                    "DELETE FROM big WHERE id = 779",
                    "INSERT INTO big VALUES (100001, 'intruder')");
            if (run.equals("kill-resume")) {
                awaitWrites(ferry, 3);
                // a few checkpoints, so the state holds what the watch found
                Thread.sleep(1_000);
                assertTrue(Files.readString(temp.resolve(db.name() + "-state.json")).contains("\"targetWrites\""));
                assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
                CliRun show = CliRun.run(Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password()),
                        "state", "show", "--config", config.toString());
                assertEquals(0, show.exitCode(), show.toString());
                assertTrue(show.out().contains("target binlog: watched, resume from "), show.toString());
                assertTrue(show.out().contains("3 write(s) by others to [" + db.name() + ".big]: the cutover will be refused"), show.toString());
                ferry = start(db, config, true);
                ferry.awaitPhase("waiting-for-cutover", TIMEOUT);
                // known from the state before the resumed watch read anything
                assertTrue(statusBody(ferry).contains("\"writes\":3"), statusBody(ferry));
            }
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            int exit = ferry.await(TIMEOUT);
            assertEquals(4, exit, ferry.toString());
            String output = ferry.out() + ferry.err();
            assertTrue(output.contains("something other than this ferry run wrote to 1 moved table(s) on the target"), ferry.toString());
            assertTrue(output.contains(db.name() + ".big (written on the target by something other than this ferry run: 3 row changes, "
                    + "keys (778), (779), (100001))"), ferry.toString());
            System.out.printf(Locale.ROOT, "[TargetWritesCliIT] %s: exit %d%n", run, exit);
        }
        finally {
            ferry.destroyQuietly();
        }
    }

    private static void awaitWrites(FerryProcess ferry, int writes)
            throws Exception
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = statusBody(ferry);
            if (body.contains("\"writes\":" + writes + ",")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the watch did not report " + writes + " writes by others: " + body + "\n" + ferry);
    }

    private static String statusBody(FerryProcess ferry)
            throws IOException, InterruptedException
    {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ferry.controlUrl(TIMEOUT) + "/api/status"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static FerryProcess start(TestDatabase db, Path config, boolean resume)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of("copydb", "--config", config.toString()));
        if (resume) {
            args.add("--resume");
        }
        return FerryProcess.start(home, temp, Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password()),
                JAVA_OPTIONS, args.toArray(String[]::new));
    }

}
