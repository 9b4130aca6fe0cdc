package dev.ferry.cli;

import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A resume applies again the events between the saved position and the last batch the killed run
 * committed: with the {@code file} store, everything since the last checkpoint. Four cases,
 * found by {@link ParallelApplyKillIT}, where that was not harmless, each reduced to a few
 * statements on the source:
 * <ul>
 * <li>a value of a unique key (not the primary key) moved from one row to another: the upsert of
 * the first row's older image meets the second row's value (duplicate key; the resume fails,
 * and so does every later one);</li>
 * <li>a keyless table: an insert applied again adds the row a second time;</li>
 * <li>{@code ON DELETE CASCADE} onto a parent key taken again by another parent: the replayed
 * delete of the old parent deletes the children the new one brought along, and no later event
 * brings them back. The verifier does not see it (iterative and inline alike answer match: the
 * lost child is in no binlog event), only the row-by-row comparison of this test does.</li>
 * <li>{@code ON DELETE CASCADE} two levels down: a grandchild inserted after the checkpoint is
 * inserted again, but its parent is no longer on the target, so the replayed delete of the
 * grandparent, whose cascade finds grandchildren through their parents, leaves it behind.</li>
 * </ul>
 * Each: right after a checkpoint of the binlog phase, the statements run on the source and are
 * applied; ferry is killed with SIGKILL before the next checkpoint, resumed, and cut over; the
 * verifier must agree and the tables must be equal. The first case is repaired (tables with other
 * unique keys are written with {@code REPLACE}) and holds with both stores. The other three cannot
 * be repaired by applying differently; they hold with the {@code target-db} store writing
 * positions with batches (nothing is applied twice), and with the {@code file} store ferry warns
 * at start, naming the tables (docs/consistency.md, "Positions and resume").
 */
@RealServers
class ResumeReplayIT
{
    private static final String JAVA_OPTIONS = "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(3);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
    }

    enum Store
    {
        FILE, TARGET_DB
    }

    static List<Arguments> replays()
    {
        return List.of(
                Arguments.of("unique value moved to another row", Store.FILE),
                Arguments.of("unique value moved to another row", Store.TARGET_DB),
                Arguments.of("keyless insert", Store.TARGET_DB),
                Arguments.of("cascade onto a reused parent key", Store.TARGET_DB),
                Arguments.of("cascade two levels down", Store.TARGET_DB));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("replays")
    void eventsAppliedAgainAfterAResumeLeaveTheTargetEqual(String scenario, Store store, TestDatabase db)
            throws Exception
    {
        String tables;
        String[] statements;
        switch (scenario) {
            case "unique value moved to another row" -> {
                db.executeOnSource(
                        "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, u INT NULL, v INT NOT NULL, UNIQUE KEY u (u))",
                        "INSERT INTO t VALUES (1, 5, 0), (2, NULL, 0)");
                tables = "t";
                statements = new String[] {
                        "UPDATE t SET v = 1 WHERE id = 1",
                        "UPDATE t SET u = NULL WHERE id = 1",
                        "UPDATE t SET u = 5 WHERE id = 2"};
            }
            case "keyless insert" -> {
                db.executeOnSource(
                        "CREATE TABLE journal (k INT NOT NULL, tag VARCHAR(20) NOT NULL)",
                        "INSERT INTO journal VALUES (1, 'a'), (2, 'b')");
                tables = "journal";
                statements = new String[] {
                        "INSERT INTO journal VALUES (3, 'c')",
                        "DELETE FROM journal WHERE k = 1 LIMIT 1"};
            }
            case "cascade two levels down" -> {
                db.executeOnSource(
                        "CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)",
                        "CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL, "
                                + "CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
                        "CREATE TABLE grandchild (id INT NOT NULL PRIMARY KEY, child_id INT NOT NULL, "
                                + "CONSTRAINT fk_child FOREIGN KEY (child_id) REFERENCES child (id) ON DELETE CASCADE)",
                        "INSERT INTO parent VALUES (1)",
                        "INSERT INTO child VALUES (10, 1)");
                tables = "parent, child, grandchild";
                statements = new String[] {
                        "INSERT INTO grandchild VALUES (100, 10)",
                        "DELETE FROM parent WHERE id = 1"};
            }
            default -> {
                db.executeOnSource(
                        "CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)",
                        "CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL, "
                                + "CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                        "INSERT INTO parent VALUES (5), (9)",
                        "INSERT INTO child VALUES (1, 5), (2, 9)");
                tables = "parent, child";
                statements = new String[] {
                        "DELETE FROM parent WHERE id = 5",
                        "UPDATE parent SET id = 5 WHERE id = 9"};
            }
        }
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        Path stateFile = directory.resolve("state/ferry-state.json");
        String metaDatabase = "ferry_meta_" + db.name().substring(db.name().length() - 6);
        db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
        String state = store == Store.FILE
                ? "state:\n  type: file\n  path: " + stateFile + "\n  checkpointInterval: " + CHECKPOINT_INTERVAL.toMillis() + "ms\n"
                : "state:\n  type: target-db\n  database: " + metaDatabase + "\n  writePositionWithBatches: true\n  checkpointInterval: "
                        + CHECKPOINT_INTERVAL.toMillis() + "ms\n";
        Path config = Files.writeString(directory.resolve("copydb.yaml"), FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + (tables.equals("journal") ? "copy:\n  fullCopyTables: [" + db.name() + ".journal]\n" : "")
                + "verifier:\n  type: iterative\n"
                + state
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n");
        FerryProcess ferry = null;
        try {
            ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, false);
            ferry.awaitPhase("waiting-for-cutover", TIMEOUT);
            // right after a checkpoint of the binlog phase (the copy is done in it): the next one is seconds away
            Checkpoints checkpoints = new Checkpoints(store, stateFile, db, metaDatabase);
            String saved = checkpoints.awaitNext(ferry);
            db.source().executeIn(db.name(), statements);
            awaitChecksumsEqual(db, tables, ferry);
            assertEquals(FerryProcess.EXIT_SIGKILL, ferry.kill(), ferry.toString());
            assertEquals(saved, checkpoints.saved(), "a checkpoint landed after the statements: the resume would not apply them again");

            ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, true);
            ferry.awaitPhase("waiting-for-cutover", TIMEOUT);
            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertEquals(0, ferry.await(TIMEOUT), ferry.toString());
            assertTrue(ferry.out().contains("verification: match ("), ferry.toString());
            db.assertTargetEqualsSource();
            db.target().execute("DROP DATABASE IF EXISTS `" + metaDatabase + "`");
        }
        finally {
            if (ferry != null) {
                ferry.destroyQuietly();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyless insert", "cascade onto a reused parent key"})
    void aResumeFromACheckpointWarnsAboutTheTablesItAppliesAgainInexactly(String scenario, TestDatabase db)
            throws Exception
    {
        String table;
        if (scenario.equals("keyless insert")) {
            db.executeOnSource("CREATE TABLE journal (k INT NOT NULL, tag VARCHAR(20) NOT NULL)", "CREATE TABLE keyed (id INT NOT NULL PRIMARY KEY)");
            table = db.name() + ".journal";
        }
        else {
            db.executeOnSource("CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)", "CREATE TABLE keyed (id INT NOT NULL PRIMARY KEY)",
                    "CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL, "
                            + "CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)");
            table = db.name() + ".child";
        }
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        Path config = Files.writeString(directory.resolve("copydb.yaml"), FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + (scenario.equals("keyless insert") ? "copy:\n  fullCopyTables: [" + table + "]\n" : "")
                + "verifier:\n  type: none\n"
                + "state:\n  type: file\n  path: " + directory.resolve("state/ferry-state.json") + "\n"
                + "cutover:\n  automatic: true\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n");
        FerryProcess ferry = FerryProcess.copydb(home, directory, db, JAVA_OPTIONS, config, false);
        try {
            assertEquals(0, ferry.await(TIMEOUT), ferry.toString());
            String warning = ferry.err().lines().filter(line -> line.contains("a resume applies again the binlog events since the last checkpoint"))
                    .findFirst().orElseThrow(() -> new AssertionError("no warning about inexact replays\n" + ferry));
            assertTrue(warning.contains(table), warning);
            assertTrue(!warning.contains(db.name() + ".keyed"), warning);
            assertTrue(warning.contains("writePositionWithBatches: true"), warning);
        }
        finally {
            ferry.destroyQuietly();
        }
    }

    /**
     * The run's last checkpoint: the state file, or the document of the {@code target-db} store
     * (whose binlog position columns change with every batch).
     */
    private record Checkpoints(Store store, Path stateFile, TestDatabase db, String metaDatabase)
    {
        String saved()
                throws IOException
        {
            if (store == Store.FILE) {
                return Files.exists(stateFile) ? Files.readString(stateFile) : "";
            }
            List<List<String>> tables = db.target().query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + metaDatabase
                    + "' AND TABLE_NAME = 'ferry_state'");
            if (tables.isEmpty()) {
                return "";
            }
            List<List<String>> rows = db.target().query("SELECT document FROM `" + metaDatabase + "`.ferry_state");
            return rows.isEmpty() || rows.get(0).get(0) == null ? "" : rows.get(0).get(0);
        }

        /**
         * Waits for a new checkpoint of the binlog phase and returns it.
         */
        String awaitNext(FerryProcess ferry)
                throws IOException, InterruptedException
        {
            String before = saved();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && ferry.isAlive()) {
                String now = saved();
                if (!now.equals(before) && now.contains("\"waiting-for-cutover\"")) {
                    return now;
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no checkpoint of the binlog phase was saved\n" + ferry);
        }
    }

    /**
     * Waits until the target's tables have the source's rows: the statements were applied.
     */
    private static void awaitChecksumsEqual(TestDatabase db, String tables, FerryProcess ferry)
            throws InterruptedException
    {
        StringBuilder qualified = new StringBuilder();
        for (String table : tables.split(", ")) {
            qualified.append(qualified.isEmpty() ? "" : ", ").append('`').append(db.name()).append("`.`").append(table).append('`');
        }
        String checksum = "CHECKSUM TABLE " + qualified;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!db.source().query(checksum).equals(db.target().query(checksum))) {
            if (System.nanoTime() > deadline || !ferry.isAlive()) {
                throw new AssertionError("the statements were not applied: source " + db.source().query(checksum) + ", target "
                        + db.target().query(checksum) + "\n" + ferry);
            }
            Thread.sleep(50);
        }
    }


}
