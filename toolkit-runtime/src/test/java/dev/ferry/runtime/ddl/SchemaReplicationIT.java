package dev.ferry.runtime.ddl;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
            Future<Ferry.Result> run = executor.submit(() -> ferry.run());
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
            Ferry.Result result = run.get();
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
    void copyFollowsColumnsAddedAndDroppedDuringTheCopy(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE grow (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "CREATE TABLE shrink (id INT NOT NULL PRIMARY KEY, keep INT NOT NULL, gone VARCHAR(20) NOT NULL)",
                "INSERT INTO grow SELECT seq, CONCAT('g', seq) FROM seq_1_to_40000",
                "INSERT INTO shrink SELECT seq, seq, 'x' FROM seq_1_to_40000");
        try (Ferry ferry = TestingFerry.create(db.servers(), TestingFerry.config(db.servers(), db.name(),
                "copy:\n  batchSize: 50\n  concurrency: 2\ncutover:\n  automatic: false\n"))) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<Ferry.Result> run = executor.submit(() -> ferry.run());
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
            Ferry.Result result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        for (String table : List.of("grow", "shrink")) {
            assertEquals(normalized(db.source().query("SHOW CREATE TABLE " + db.name() + "." + table)),
                    normalized(db.target().query("SHOW CREATE TABLE " + db.name() + "." + table)), table);
        }
    }

    private static String normalized(List<List<String>> showCreate)
    {
        return showCreate.get(0).get(1).replaceAll(" AUTO_INCREMENT=\\d+", "");
    }
}
