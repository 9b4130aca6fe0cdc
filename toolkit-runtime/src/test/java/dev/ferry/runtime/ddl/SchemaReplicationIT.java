package dev.ferry.runtime.ddl;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@RealServers
class SchemaReplicationIT
{
    @Test
    void replicatesDdlDuringTheBinlogPhase(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE a (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "CREATE TABLE b (id INT NOT NULL PRIMARY KEY, w INT NOT NULL)",
                "INSERT INTO a SELECT seq, CONCAT('a', seq) FROM seq_1_to_1000",
                "INSERT INTO b SELECT seq, seq FROM seq_1_to_1000");
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(), "cutover:\n  automatic: false\n"))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(50);
            }
            db.executeOnSource(
                    "INSERT INTO a VALUES (2001, 'before')",
                    "ALTER TABLE a ADD COLUMN extra BIGINT UNSIGNED NULL AFTER id, ALGORITHM=INPLACE, LOCK=NONE",
                    "INSERT INTO a VALUES (2002, 18446744073709551615, 'after')",
                    "UPDATE a SET extra = 7 WHERE id <= 10",
                    "ALTER TABLE b DROP COLUMN w, ADD COLUMN z VARCHAR(10) NOT NULL DEFAULT 'z'",
                    "UPDATE b SET z = 'changed' WHERE id % 100 = 0",
                    "CREATE TABLE c (id INT NOT NULL PRIMARY KEY, t TEXT)",
                    "INSERT INTO c VALUES (1, 'new table'), (2, 'rows')",
                    "RENAME TABLE a TO tmp, b TO a, tmp TO b",
                    "INSERT INTO a (id, z) VALUES (5000, 'moved')",
                    "TRUNCATE TABLE c",
                    "INSERT INTO c VALUES (3, 'after truncate')",
                    "CREATE INDEX z_index ON a (z)",
                    "GRANT SELECT ON " + db.name() + ".c TO 'ferry'@'%'");
            Thread.sleep(500);
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        for (String table : List.of("a", "b", "c")) {
            assertEquals(normalized(db.source().query("SHOW CREATE TABLE " + db.name() + "." + table)),
                    normalized(db.target().query("SHOW CREATE TABLE " + db.name() + "." + table)), table);
        }
    }

    @Test
    void replicatedDdlWithMysqlCollationAliasesFitsATargetThatLacksThem(TestDatabase db)
            throws Exception
    {
        assumeTrue(db.source().isAtLeast(11, 4), "needs a source with the utf8mb4_0900_* collations (MariaDB 11.4+); source is " + db.source().version());
        db.executeOnSource(
                "CREATE TABLE a (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "INSERT INTO a SELECT seq, CONCAT('a', seq) FROM seq_1_to_100");
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(), "cutover:\n  automatic: false\n"))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(50);
            }
            db.executeOnSource(
                    "CREATE TABLE words (id INT NOT NULL PRIMARY KEY, word VARCHAR(20) COLLATE utf8mb4_0900_as_cs NOT NULL) "
                            + "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
                    "INSERT INTO words VALUES (1, 'Straße'), (2, 'Zoë')",
                    "ALTER TABLE a ADD COLUMN w VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_sv_0900_ai_ci NULL",
                    "UPDATE a SET w = 'Åsa' WHERE id <= 10");
            Thread.sleep(500);
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        boolean targetHasAliases = db.target().isAtLeast(11, 4);
        assertEquals(List.of(
                        List.of("a", "w", targetHasAliases ? "utf8mb4_sv_0900_ai_ci" : "utf8mb4_uca1400_swedish_nopad_ai_ci"),
                        List.of("words", "word", targetHasAliases ? "utf8mb4_0900_as_cs" : "utf8mb4_uca1400_nopad_as_cs")),
                db.target().query("SELECT table_name, column_name, collation_name FROM information_schema.columns WHERE table_schema = '" + db.name()
                        + "' AND collation_name IS NOT NULL AND column_name IN ('w', 'word') ORDER BY 1"));
    }

    @ParameterizedTest(name = "rewritten: {0}")
    @ValueSource(booleans = {false, true})
    void copyFollowsColumnsAddedAndDroppedDuringTheCopy(boolean rewritten, TestDatabase db)
            throws Exception
    {
        String targetDatabase = rewritten ? "cp_" + db.name().substring(db.name().length() - 6) : db.name();
        if (rewritten) {
            db.target().execute("DROP DATABASE IF EXISTS `" + targetDatabase + "`");
        }
        db.executeOnSource(
                "CREATE TABLE grow (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "CREATE TABLE shrink (id INT NOT NULL PRIMARY KEY, keep INT NOT NULL, gone VARCHAR(20) NOT NULL)",
                "INSERT INTO grow SELECT seq, CONCAT('g', seq) FROM seq_1_to_40000",
                "INSERT INTO shrink SELECT seq, seq, 'x' FROM seq_1_to_40000");
        String rewrites = rewritten ? "rewrites:\n  databases: {\"" + db.name() + "\": \"" + targetDatabase + "\"}\n" : "";
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(),
                rewrites + "copy:\n  batchSize: 50\n  concurrency: 2\ncutover:\n  automatic: false\n"))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (ferry.tables().stream().mapToLong(plan -> plan.progress().rowsCopied()).sum() < 2000 && !run.isDone()) {
                Thread.sleep(20);
            }
            db.executeOnSource(
                    "ALTER TABLE grow ADD COLUMN extra INT NULL",
                    "UPDATE grow SET extra = id * 2 WHERE id % 7 = 0",
                    "INSERT INTO grow VALUES (50000, 'late', 99)",
                    "ALTER TABLE shrink DROP COLUMN gone",
                    "UPDATE shrink SET keep = keep + 1 WHERE id % 5 = 0");
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(50);
            }
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        try {
            TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), targetDatabase);
            for (String table : List.of("grow", "shrink")) {
                assertEquals(normalized(db.source().query("SHOW CREATE TABLE `" + db.name() + "`." + table)),
                        normalized(db.target().query("SHOW CREATE TABLE `" + targetDatabase + "`." + table)), table);
            }
        }
        finally {
            if (rewritten) {
                db.target().execute("DROP DATABASE IF EXISTS `" + targetDatabase + "`");
            }
        }
    }

    @Test
    void rewritesNamesInsideReplicatedDdl(TestDatabase db)
            throws Exception
    {
        String targetDatabase = db.name() + "_rw";
        db.target().execute("DROP DATABASE IF EXISTS `" + targetDatabase + "`");
        db.executeOnSource(
                "CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)",
                "CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL, KEY p (parent_id))",
                "INSERT INTO parent SELECT seq FROM seq_1_to_100",
                "INSERT INTO child SELECT seq, seq FROM seq_1_to_100");
        String rewrites = "rewrites:\n  databases: {\"" + db.name() + "\": \"" + targetDatabase + "\"}\n"
                + "  tables: {\"" + db.name() + ".child\": kid}\n"
                + "cutover:\n  automatic: false\n";
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(), rewrites))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(50);
            }
            db.executeOnSource(
                    "ALTER TABLE child ADD COLUMN note VARCHAR(20) NULL",
                    "UPDATE child SET note = 'n' WHERE id < 10",
                    "CREATE INDEX note_index ON child (note)",
                    "ALTER TABLE " + db.name() + ".parent ADD COLUMN name VARCHAR(10) NOT NULL DEFAULT 'p'",
                    "INSERT INTO parent VALUES (101, 'new')",
                    "DROP INDEX note_index ON child",
                    "CREATE TABLE extra (id INT NOT NULL PRIMARY KEY)",
                    "INSERT INTO extra VALUES (1), (2)",
                    "DROP TABLE extra");
            Thread.sleep(300);
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        try {
            assertEquals(db.source().query("SELECT id, parent_id, IFNULL(note, '-') FROM `" + db.name() + "`.child ORDER BY id"),
                    db.target().query("SELECT id, parent_id, IFNULL(note, '-') FROM `" + targetDatabase + "`.kid ORDER BY id"));
            assertEquals(db.source().query("SELECT id, name FROM `" + db.name() + "`.parent ORDER BY id"),
                    db.target().query("SELECT id, name FROM `" + targetDatabase + "`.parent ORDER BY id"));
            assertEquals(normalized(db.source().query("SHOW CREATE TABLE `" + db.name() + "`.child")).replace("CREATE TABLE `child`", "CREATE TABLE `kid`"),
                    normalized(db.target().query("SHOW CREATE TABLE `" + targetDatabase + "`.kid")));
            assertEquals(0, db.target().queryLong("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + targetDatabase + "' AND table_name = 'extra'"));
        }
        finally {
            db.target().execute("DROP DATABASE IF EXISTS `" + targetDatabase + "`");
        }
    }

    /**
     * MariaDB syntax JSQLParser 5.3 cannot read (or prints back wrongly) reaches a renamed target
     * database through the token reader, with DML before and after each statement.
     */
    @Test
    void tokenReadDdlUnderRewrites(TestDatabase db)
            throws Exception
    {
        String targetDatabase = db.name() + "_tk";
        db.target().execute("DROP DATABASE IF EXISTS `" + targetDatabase + "`");
        db.executeOnSource(
                "CREATE TABLE parent (id INT NOT NULL PRIMARY KEY)",
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT NOT NULL, b INT NOT NULL)",
                "INSERT INTO parent SELECT seq FROM seq_1_to_100",
                "INSERT INTO t SELECT seq, seq, seq % 10 FROM seq_1_to_100");
        String rewrites = "rewrites:\n  databases: {\"" + db.name() + "\": \"" + targetDatabase + "\"}\ncutover:\n  automatic: false\n";
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(), rewrites))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                Thread.sleep(50);
            }
            db.executeOnSource(
                    "UPDATE t SET b = b + 1 WHERE id < 5",
                    "ALTER TABLE t ADD COLUMN hidden INT NOT NULL DEFAULT 7 INVISIBLE",
                    "INSERT INTO t (id, a, b, hidden) VALUES (101, 1, 1, 70)",
                    "ALTER TABLE t ADD INDEX b_desc (b DESC), ADD UNIQUE KEY (a, id)",
                    "UPDATE t SET a = a + 1000 WHERE id % 3 = 0",
                    "ALTER TABLE t ADD COLUMN ratio DOUBLE NOT NULL DEFAULT -1.5e-3, ADD COLUMN tag BINARY(2) DEFAULT x'0a0b'",
                    "INSERT INTO t (id, a, b) VALUES (102, 2, 2)",
                    "DELETE FROM t WHERE a > 100",
                    "ALTER TABLE t ADD CONSTRAINT fk_parent FOREIGN KEY (a) REFERENCES parent (id) ON DELETE CASCADE, ALGORITHM=COPY",
                    "DELETE FROM parent WHERE id = 50",
                    "ALTER TABLE t ENGINE=InnoDB ROW_FORMAT=DYNAMIC, RENAME TO t_renamed",
                    "UPDATE t_renamed SET hidden = 9 WHERE id = 1",
                    "CREATE TABLE made (id INT NOT NULL PRIMARY KEY, v INT INVISIBLE, KEY v_desc (v DESC))",
                    "INSERT INTO made (id, v) VALUES (1, 10), (2, 20)");
            Thread.sleep(300);
            ferry.requestCutover();
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        try {
            TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), targetDatabase);
            for (String table : List.of("parent", "t_renamed", "made")) {
                assertEquals(normalized(db.source().query("SHOW CREATE TABLE `" + db.name() + "`." + table)).replace(db.name(), targetDatabase),
                        normalized(db.target().query("SHOW CREATE TABLE `" + targetDatabase + "`." + table)), table);
            }
            assertEquals(db.source().query("SELECT id, hidden FROM `" + db.name() + "`.t_renamed ORDER BY id"),
                    db.target().query("SELECT id, hidden FROM `" + targetDatabase + "`.t_renamed ORDER BY id"), "the invisible column");
        }
        finally {
            db.target().execute("DROP DATABASE IF EXISTS `" + targetDatabase + "`");
        }
    }

    private static String normalized(List<List<String>> showCreate)
    {
        return showCreate.get(0).get(1).replaceAll(" AUTO_INCREMENT=\\d+", "");
    }
}
