package dev.ferry.cli;

import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.SandboxControl;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One online move of a seeded database under concurrent writers while faults land at random
 * moments: restarts of either server, {@code KILL} of ferry's connections aimed at each kind in
 * turn (copy read, copy write, apply, binlog, state, verifier), a stalled target ({@code SIGSTOP}),
 * network stalls and resets between ferry and each server (a {@link TcpProxy}), and kill -9 of
 * ferry with a restart. ferry runs the way a supervisor runs it: {@code copydb --resume=auto},
 * restarted after exit code 1 (retry) and after a kill; any other exit fails the test. At the end
 * the target equals the source row by row and the verifier agrees. The fault table is printed.
 */
@RealServers
class FaultInjectionIT
{
    private static final int ROWS = 20_000;
    // -Dferry.faults.count=N for another number (at least 13: every kind, and a KILL of each kind of connection)
    private static final int FAULTS = Integer.getInteger("ferry.faults.count", 24);
    private static final String JAVA_OPTIONS = "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(180);
    // what the KILLs aim at, in turn, on each server
    private static final List<String> SOURCE_KINDS = List.of("copy-read", "binlog", "verifier");
    private static final List<String> TARGET_KINDS = List.of("copy-write", "apply", "state", "verifier");

    enum Kind
    {
        RESTART_SOURCE, RESTART_TARGET, KILL_SOURCE_CONNECTION, KILL_TARGET_CONNECTION, STALL_TARGET, NETWORK_STALL, NETWORK_RESET, KILL_FERRY
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void anOnlineMoveSurvivesFaultsOfEightKinds(TestDatabase db)
            throws Exception
    {
        Optional<SandboxControl> control = SandboxControl.of(db.source(), db.target());
        // servers of the user's own cannot be restarted by a test: skipped, saying why (CI runs the sandbox)
        assumeTrue(control.isPresent(), "FaultInjectionIT restarts and stalls the servers, so it needs the project's sandbox "
                + "(scripts/mysql-sandbox, as scripts/test and CI start it); these servers are not the sandbox's: " + db.source() + ", " + db.target());
        SandboxControl sandbox = control.get();
        long seed = Long.getLong("ferry.faults.seed", System.nanoTime() & 0xffff);
        Random random = new Random(seed);
        WriteLoad.createTables(db, ROWS);
        List<String> table = new ArrayList<>();
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        WriteLoad load = new WriteLoad(db, ROWS, seed, 2, 5);
        FerryProcess ferry = null;
        boolean passed = false;
        try (TcpProxy sourceProxy = new TcpProxy(db.source().host(), db.source().port());
                TcpProxy targetProxy = new TcpProxy(db.target().host(), db.target().port())) {
            Path config = writeConfig(db, directory, sourceProxy.port(), targetProxy.port(), "");
            load.start();
            ferry = start(db, directory, config);
            // slow enough that faults land during the copy as well as after it; the saved state keeps the cap across restarts
            HttpResponse<String> tuned = ferry.postJson("/api/tune", "{\"copy\": {\"rowsPerSecond\": 1500}}");
            assertEquals(200, tuned.statusCode(), tuned.body());

            List<Kind> plan = plan(random);
            int restarts = 0;
            int sourceKills = 0;
            int targetKills = 0;
            for (int i = 0; i < plan.size(); i++) {
                Thread.sleep(1500 + random.nextInt(2500));
                Kind kind = plan.get(i);
                String phase = ferry.isAlive() ? ferry.status().map(FerryProcess.Status::phase).orElse("(no answer)") : "(exited)";
                String detail;
                switch (kind) {
                    case RESTART_SOURCE -> {
                        // the application's writes pause while its database restarts
                        load.stop();
                        sandbox.restart(SandboxControl.SOURCE);
                        load.start();
                        detail = "source restarted";
                    }
                    case RESTART_TARGET -> {
                        sandbox.restart(SandboxControl.TARGET);
                        detail = "target restarted";
                    }
                    case KILL_SOURCE_CONNECTION -> detail = killConnection(db.source(), db.source().user(),
                            SOURCE_KINDS.get(sourceKills++ % SOURCE_KINDS.size()), random);
                    case KILL_TARGET_CONNECTION -> detail = killConnection(db.target(), db.target().user(),
                            TARGET_KINDS.get(targetKills++ % TARGET_KINDS.size()), random);
                    case STALL_TARGET -> {
                        sandbox.stall(SandboxControl.TARGET, Duration.ofSeconds(3));
                        detail = "target SIGSTOP for 3 s";
                    }
                    case NETWORK_STALL -> {
                        TcpProxy proxy = random.nextBoolean() ? sourceProxy : targetProxy;
                        proxy.stall(Duration.ofSeconds(4));
                        detail = (proxy == sourceProxy ? "source" : "target") + " link stalled for 4 s (" + proxy.connections() + " connections)";
                    }
                    case NETWORK_RESET -> {
                        TcpProxy proxy = random.nextBoolean() ? sourceProxy : targetProxy;
                        int connections = proxy.connections();
                        proxy.reset();
                        detail = (proxy == sourceProxy ? "source" : "target") + " link reset (" + connections + " connections)";
                    }
                    case KILL_FERRY -> {
                        ferry.kill();
                        ferry = start(db, directory, config);
                        restarts++;
                        detail = "kill -9, restarted with copydb --resume=auto";
                    }
                    default -> throw new AssertionError(kind);
                }
                // a supervisor's loop: exit 1 means "retry"; anything else needs an operator
                String outcome = "running on";
                Thread.sleep(1000);
                if (kind != Kind.KILL_FERRY && !ferry.isAlive()) {
                    int exit = ferry.await(Duration.ofSeconds(30));
                    if (exit != Main.EXIT_FAILURE) {
                        fail("after fault " + (i + 1) + " (" + kind + ": " + detail + ") ferry exited with " + exit + ", which a supervisor does not retry\n"
                                + ferry);
                    }
                    outcome = "exited 1 (" + lastError(ferry) + "), restarted";
                    ferry = start(db, directory, config);
                    restarts++;
                }
                table.add(String.format(Locale.ROOT, "%2d  %-22s  %-20s  %-60s  %s", i + 1, kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), phase,
                        detail, outcome));
            }

            Duration waited = Duration.ZERO;
            while (true) {
                try {
                    ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
                    break;
                }
                catch (AssertionError e) {
                    if (ferry.isAlive() || ferry.await(Duration.ofSeconds(10)) != Main.EXIT_FAILURE || waited.toMinutes() > 5) {
                        throw e;
                    }
                    table.add("    after the faults: exited 1 (" + lastError(ferry) + "), restarted");
                    ferry = start(db, directory, config);
                    restarts++;
                    waited = waited.plus(PHASE_TIMEOUT);
                }
            }
            long writes = load.stop();
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            int exit = ferry.await(RUN_TIMEOUT);
            // a cutover that fails (exit 1, e.g. a catch-up that did not finish within
            // cutover.catchUpTimeout after the faults) is retried as a supervisor would: once
            if (exit == Main.EXIT_FAILURE) {
                table.add("    cutover: exited 1 (" + lastError(ferry) + "), restarted and cut over again");
                ferry = start(db, directory, config);
                restarts++;
                ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
                assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
                exit = ferry.await(RUN_TIMEOUT);
            }
            assertEquals(0, exit, ferry.toString());
            assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
            db.assertTargetEqualsSource();
            System.out.println("FaultInjectionIT (seed " + seed + "): " + plan.size() + " faults of " + plan.stream().distinct().count() + " kinds, "
                    + writes + " source writes, " + restarts + " ferry restarts; ended equal, verifier: match\n"
                    + " #  fault                   phase                 detail                                                        handled\n  "
                    + String.join("\n  ", table));
            passed = true;
        }
        finally {
            load.halt();
            if (ferry != null) {
                ferry.destroyQuietly();
            }
            if (!passed) {
                System.out.println("FaultInjectionIT (seed " + seed + ") failed after these faults:\n  " + String.join("\n  ", table));
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSourceThatIsDownAtStartIsWaitedForWithinStartupWait(TestDatabase db)
            throws Exception
    {
        db.executeOnSource("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)", "INSERT INTO t SELECT seq FROM seq_1_to_100");
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (TcpProxy targetProxy = new TcpProxy(db.target().host(), db.target().port())) {
            // nothing listens on the source's port: a short wait ends the run with "retry" (1), naming the key
            Path impatient = writeConfig(db, directory, port, targetProxy.port(), "  startupWait: 2s\n  connectTimeout: 1s\n");
            FerryProcess refused = start(db, directory, impatient);
            assertEquals(Main.EXIT_FAILURE, refused.await(RUN_TIMEOUT), refused.toString());
            assertTrue(refused.err().contains("ferry: cannot connect to the source ferry@127.0.0.1:" + port + ": ["), refused.toString());
            assertTrue(refused.err().contains("source.startupWait sets how long a run waits for it"), refused.toString());

            // the source comes up a few seconds after ferry started: the run waits for it and goes on
            Path patient = writeConfig(db, directory, port, targetProxy.port(), "  startupWait: 60s\n  connectTimeout: 1s\n");
            FerryProcess ferry = start(db, directory, patient);
            try {
                Thread.sleep(3000);
                assertTrue(ferry.isAlive(), ferry.toString());
                try (TcpProxy late = new TcpProxy(db.source().host(), db.source().port(), port)) {
                    ferry.awaitPhase("waiting-for-cutover", PHASE_TIMEOUT);
                    assertTrue(ferry.err().contains("cannot connect to the source ferry@127.0.0.1:" + port + " yet ("), ferry.toString());
                    assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
                    assertEquals(0, ferry.await(RUN_TIMEOUT), ferry.toString());
                }
                db.assertTargetEqualsSource();
            }
            finally {
                ferry.destroyQuietly();
            }
        }
    }

    /**
     * {@link #FAULTS} faults (24 unless set): every kind twice when there are enough, else
     * once; a KILL aimed at each kind of connection; the rest at random; shuffled.
     */
    private static List<Kind> plan(Random random)
    {
        List<Kind> plan = plan(2);
        if (plan.size() > FAULTS) {
            plan = plan(1);
        }
        if (plan.size() > FAULTS) {
            throw new IllegalArgumentException("ferry.faults.count is " + FAULTS + "; at least " + plan.size()
                    + " are needed for every kind of fault and a KILL of every kind of connection");
        }
        while (plan.size() < FAULTS) {
            plan.add(Kind.values()[random.nextInt(Kind.values().length)]);
        }
        Collections.shuffle(plan, random);
        return plan;
    }

    private static List<Kind> plan(int each)
    {
        List<Kind> plan = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < each; i++) {
                plan.add(kind);
            }
        }
        // a KILL aimed at each kind of connection (they are taken in turn)
        while (Collections.frequency(plan, Kind.KILL_SOURCE_CONNECTION) < SOURCE_KINDS.size()) {
            plan.add(Kind.KILL_SOURCE_CONNECTION);
        }
        while (Collections.frequency(plan, Kind.KILL_TARGET_CONNECTION) < TARGET_KINDS.size()) {
            plan.add(Kind.KILL_TARGET_CONNECTION);
        }
        return plan;
    }

    /**
     * {@code KILL}s one of {@code user}'s connections doing {@code wanted} (polling the process
     * list for up to 3 s), else one doing anything, else any; says which it was.
     */
    private static String killConnection(MySqlServer server, String user, String wanted, Random random)
            throws SQLException, InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<Long> ids = new ArrayList<>();
        List<String> doing = new ArrayList<>();
        try (Connection connection = server.openAdmin();
                Statement statement = connection.createStatement()) {
            while (true) {
                ids.clear();
                doing.clear();
                try (ResultSet rows = statement.executeQuery("SELECT ID, COMMAND, COALESCE(INFO, '') FROM information_schema.PROCESSLIST "
                        + "WHERE USER = '" + user + "' AND ID <> CONNECTION_ID()")) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                        doing.add(kind(rows.getString(2), rows.getString(3)));
                    }
                }
                int index = doing.indexOf(wanted);
                if (index >= 0 || System.nanoTime() > deadline) {
                    if (ids.isEmpty()) {
                        return "wanted a " + wanted + " connection; " + user + " has none open";
                    }
                    String note = "";
                    if (index < 0) {
                        List<Integer> busy = new ArrayList<>();
                        for (int i = 0; i < doing.size(); i++) {
                            if (!doing.get(i).equals("idle")) {
                                busy.add(i);
                            }
                        }
                        index = busy.isEmpty() ? random.nextInt(ids.size()) : busy.get(random.nextInt(busy.size()));
                        note = " (no " + wanted + " connection seen in 3 s)";
                    }
                    try {
                        statement.execute("KILL " + ids.get(index));
                    }
                    catch (SQLException e) {
                        return "KILL of a " + doing.get(index) + " connection: it ended first (" + e.getMessage() + ")";
                    }
                    return "KILL " + doing.get(index) + " connection (of " + ids.size() + ")" + note;
                }
                Thread.sleep(20);
            }
        }
    }

    private static String kind(String command, String info)
    {
        String sql = info.toUpperCase(Locale.ROOT).strip();
        // the run's target statements start with its tag, /* ferry run N */
        if (sql.startsWith("/*") && sql.contains("*/")) {
            sql = sql.substring(sql.indexOf("*/") + 2).strip();
        }
        if (command.startsWith("Binlog Dump")) {
            return "binlog";
        }
        if (sql.contains("FERRY_STATE")) {
            return "state";
        }
        if (sql.startsWith("SELECT")) {
            // the copy reads under LOCK IN SHARE MODE (lockStrategy source-db); the verifiers read plainly
            return sql.contains("LOCK IN SHARE MODE") ? "copy-read" : "verifier";
        }
        if (sql.startsWith("LOAD DATA") || (sql.startsWith("INSERT") && !sql.contains("ON DUPLICATE"))) {
            return "copy-write";
        }
        if (!sql.isEmpty()) {
            return "apply";
        }
        return "idle";
    }

    private static String lastError(FerryProcess ferry)
    {
        String[] lines = ferry.err().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith("ferry: ") && !lines[i].startsWith("ferry: control server") && !lines[i].startsWith("ferry: state saved")) {
                String line = lines[i].substring("ferry: ".length());
                if (line.endsWith(":") && i + 1 < lines.length) {
                    // "N tables failed to copy:" lists the causes below
                    line += " " + lines[i + 1].trim();
                }
                return line.length() > 400 ? line.substring(0, 397) + "..." : line;
            }
        }
        return "no error line";
    }

    private static FerryProcess start(TestDatabase db, Path directory, Path config)
            throws IOException
    {
        return FerryProcess.start(home, directory, Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password()),
                JAVA_OPTIONS, "copydb", "--resume=auto", "--config", config.toString());
    }

    /**
     * @param sourceExtra more keys of the source section, indented
     */
    private static Path writeConfig(TestDatabase db, Path directory, int sourcePort, int targetPort, String sourceExtra)
            throws IOException
    {
        String meta = "ferry_meta_" + db.name().substring(db.name().length() - 6);
        db.target().execute("DROP DATABASE IF EXISTS `" + meta + "`");
        String yaml = server("source", db.source(), sourcePort) + sourceExtra + server("target", db.target(), targetPort)
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "copy:\n  batchSize: 200\n  concurrency: 2\n  rangeSize: 4000\n  readRetries: 10\n  writeRetries: 10\n"
                + "  retryBackoff: 200ms\n"
                + "replication:\n  batchSize: 50\n  heartbeat: 1s\n  readRetries: 10\n  writeRetries: 10\n  retryBackoff: 200ms\n"
                + "verifier:\n  type: iterative\n"
                + "state:\n  type: target-db\n  database: " + meta + "\n  writePositionWithBatches: true\n  checkpointInterval: 1s\n"
                // shorter than the test's wait for the run's end, so a stuck catch-up ends the run (exit 1) instead
                + "cutover:\n  automatic: false\n  catchUpTimeout: 60s\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n"
                + "progress:\n  interval: 5s\n";
        return Files.writeString(directory.resolve("copydb.yaml"), yaml);
    }

    private static String server(String role, MySqlServer server, int proxyPort)
    {
        return role + ":\n  host: 127.0.0.1\n  port: " + proxyPort + "\n  user: " + server.user()
                + "\n  passwordEnv: FERRY_" + role.toUpperCase(Locale.ROOT) + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }
}
