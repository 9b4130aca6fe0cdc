package dev.ferry.runtime.copy;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.config.CopyConfig;
import dev.ferry.runtime.config.DatabaseConfig;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.core.TableLocks;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.sql.DataSources;
import dev.ferry.runtime.state.RangeState;
import dev.ferry.runtime.state.TableCopyState;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resync copy a renamed table gets: the target table starts with wrong values, rows the source
 * does not have (between the source's keys and after the last one) and rows missing, and ends
 * equal to the source. And how the state lists renamed tables.
 */
@RealServers
class ResyncCopyIT
{
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"load-data", "insert"})
    void resyncOverwritesAndDeletesWithASingleColumnKey(String writeMethod, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL, UNIQUE KEY v (v))",
                "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_3000 WHERE seq % 7 <> 0");
        db.target().execute("CREATE DATABASE IF NOT EXISTS `" + db.name() + "`");
        // the keys between 1000 and 2000 are not on the target; row 3050 holds row 10's unique value,
        // so the batch of row 10 meets it outside its own span (LOAD DATA skips the row, an upsert follows)
        db.executeOnTarget(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL, UNIQUE KEY v (v))",
                "INSERT INTO t SELECT seq, IF(seq % 5 = 0, CONCAT('wrong', seq), CONCAT('v', seq)) FROM seq_1_to_3100 "
                        + "WHERE seq % 3 <> 0 AND (seq < 1000 OR seq > 2000)",
                "REPLACE INTO t VALUES (3050, 'v10')");
        resync(db, "t", "copy:\n  batchSize: 50\n  writeMethod: " + writeMethod + "\n");
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
    }

    @Test
    void resyncOverwritesAndDeletesWithACompositeKeyDescending(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE p (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT NOT NULL, PRIMARY KEY (a, b))",
                "INSERT INTO p SELECT seq DIV 10, CONCAT('b', seq % 10), seq FROM seq_1_to_2000 WHERE seq % 7 <> 0");
        db.target().execute("CREATE DATABASE IF NOT EXISTS `" + db.name() + "`");
        db.executeOnTarget(
                "CREATE TABLE p (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT NOT NULL, PRIMARY KEY (a, b))",
                "INSERT INTO p SELECT seq DIV 10, CONCAT('b', seq % 10), IF(seq % 5 = 0, -1, seq) FROM seq_0_to_2100 WHERE seq % 3 <> 0");
        resync(db, "p", "copy:\n  batchSize: 30\n  descending: true\n");
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
    }

    @Test
    void theStateListsARenamedTableUnderItsNewNameAndUnderBothWhileTheRenameRuns(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE a (id INT NOT NULL PRIMARY KEY)",
                "CREATE TABLE b (id INT NOT NULL PRIMARY KEY)",
                "INSERT INTO a SELECT seq FROM seq_1_to_10",
                "INSERT INTO b SELECT seq FROM seq_1_to_10");
        TableName a = new TableName(db.name(), "a");
        TableName b = new TableName(db.name(), "b");
        TableName old = new TableName(db.name(), "_a_old");
        TableName fresh = new TableName(db.name(), "_a_new");
        CopyConfig config = copyConfig(db, "");
        try (HikariDataSource source = dataSource(db.source())) {
            SchemaLoader loader = new SchemaLoader(source);
            List<TableSchema> tables = List.of(loader.load(a).orElseThrow(), loader.load(b).orElseThrow());

            TableRenames swap = new TableRenames();
            Copier copier = copier(config, source, swap);
            copier.plan(tables, Map.of());
            assertEquals(Map.of(a, false, b, false), resyncs(copier));
            // saved right before the swap runs on the target: whichever table a resume finds
            // under a name, a resync from the start copies it right
            swap.expect(Map.of(a, b, b, a));
            assertEquals(Map.of(a, true, b, true), resyncs(copier));
            assertEquals(0, copier.snapshot().get(a).rowsCopied());
            swap.record(Map.of(a, b, b, a), List.of(), List.of());
            assertEquals(Map.of(a, true, b, true), resyncs(copier));

            TableRenames osc = new TableRenames();
            copier = copier(config, source, osc);
            copier.plan(tables, Map.of());
            osc.expect(Map.of(a, old, fresh, a));
            // before the statement a is the table being copied, after it a table filled by the binlog
            assertEquals(Map.of(a, false, b, false, old, true), resyncs(copier));
            osc.record(Map.of(a, old, fresh, a), List.of(a), List.of());
            assertEquals(Map.of(b, false, old, true), resyncs(copier));
            osc.record(Map.of(), List.of(old), List.of());
            assertEquals(Map.of(b, false), resyncs(copier));
        }
    }

    @Test
    void aTableWhoseKeyACascadeCanMoveStartsItsCopyAgainOnResume(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY)",
                // order_id is in the key: an ON UPDATE CASCADE moves rows in key order (RekeyedRows)
                "CREATE TABLE line (order_id INT NOT NULL, n INT NOT NULL, PRIMARY KEY (order_id, n), "
                        + "CONSTRAINT fk_line FOREIGN KEY (order_id) REFERENCES orders (id) ON UPDATE CASCADE)",
                "CREATE TABLE note (id INT NOT NULL PRIMARY KEY, order_id INT NULL, "
                        + "CONSTRAINT fk_note FOREIGN KEY (order_id) REFERENCES orders (id) ON UPDATE CASCADE)",
                "INSERT INTO orders SELECT seq FROM seq_1_to_10",
                "INSERT INTO line SELECT seq, 1 FROM seq_1_to_10",
                "INSERT INTO note SELECT seq, seq FROM seq_1_to_10");
        db.target().execute("CREATE DATABASE IF NOT EXISTS `" + db.name() + "`");
        db.executeOnTarget(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY)",
                "CREATE TABLE line (order_id INT NOT NULL, n INT NOT NULL, PRIMARY KEY (order_id, n))",
                "CREATE TABLE note (id INT NOT NULL PRIMARY KEY, order_id INT NULL)");
        TableName orders = new TableName(db.name(), "orders");
        TableName line = new TableName(db.name(), "line");
        TableName note = new TableName(db.name(), "note");
        CopyConfig config = copyConfig(db, "copy:\n  writeMethod: insert\n");
        try (HikariDataSource source = dataSource(db.source()); HikariDataSource target = dataSource(db.target())) {
            SchemaLoader loader = new SchemaLoader(source);
            List<TableSchema> tables = List.of(loader.load(orders).orElseThrow(), loader.load(line).orElseThrow(), loader.load(note).orElseThrow());
            // line and note were copying when ferry stopped: their only range is done, the tables are not
            TableCopyState copying = new TableCopyState(List.of(new RangeState(null, null, null, true)), false, 10);
            TableCopyState done = new TableCopyState(List.of(new RangeState(null, null, null, true)), true, 10);
            Copier copier = copier(config, source, target, name -> tables.stream().filter(t -> t.name().equals(name)).findFirst());
            List<TablePlan> plans = copier.plan(tables, Map.of(orders, done, line, copying, note, copying));
            // what cascades moved before the stop was recorded in memory only: line is copied from the start
            assertEquals(false, plans.get(1).isComplete());
            assertEquals(0, plans.get(1).progress().rowsCopied());
            assertEquals(false, copier.snapshot().get(line).complete());
            // note's key is not its foreign key: it goes on from its saved state
            assertEquals(true, plans.get(2).isComplete());
            copier.run(plans);
            assertEquals(true, copier.snapshot().get(line).complete());
            assertEquals(db.source().query("SELECT * FROM `" + db.name() + "`.line ORDER BY 1, 2"),
                    db.target().query("SELECT * FROM `" + db.name() + "`.line ORDER BY 1, 2"));
            // a table whose saved state says it is complete is left alone
            copier = copier(config, source, target, ignored -> Optional.empty());
            assertEquals(true, copier.plan(tables, Map.of(orders, done, line, done)).get(1).isComplete());
            // a resync copy (of a renamed table) starts again as one
            TablePlan again = copier.plan(tables, Map.of(orders, done, line, new TableCopyState(List.of(new RangeState(null, null, null, true)), false, 10, true)))
                    .get(1);
            assertEquals(true, again.resync());
            assertEquals(false, again.isComplete());
        }
    }

    private static CopyConfig copyConfig(TestDatabase db, String yaml)
    {
        Map<String, String> environment = TestingFerry.environment(db.servers());
        return ConfigLoader.parse(Path.of("test.yaml"), TestingFerry.config(db.servers(), db.name(), yaml), environment::get).config().copy();
    }

    private static Copier copier(CopyConfig config, HikariDataSource source, HikariDataSource target, Function<TableName, Optional<TableSchema>> schemas)
    {
        return new Copier(config, source, target, RewritesConfig.none(), Optional.empty(), () -> VerificationResult.notRun("not verified"),
                List.of(), new TableLocks(), ReplicationBarrier.NONE, schemas, Optional.empty(), new RuntimeMetrics());
    }

    private static Copier copier(CopyConfig config, HikariDataSource source, TableRenames renames)
    {
        return new Copier(config, source, source, RewritesConfig.none(), Optional.empty(), () -> VerificationResult.notRun("not verified"),
                List.of(), new TableLocks(), ReplicationBarrier.NONE, ignored -> Optional.empty(), Optional.of(renames), new RuntimeMetrics());
    }

    private static Map<TableName, Boolean> resyncs(Copier copier)
    {
        Map<TableName, Boolean> result = new java.util.HashMap<>();
        copier.snapshot().forEach((name, state) -> result.put(name, state.resync()));
        return result;
    }

    private static void resync(TestDatabase db, String table, String yaml)
            throws Exception
    {
        CopyConfig config = copyConfig(db, yaml);
        TableName name = new TableName(db.name(), table);
        try (HikariDataSource source = dataSource(db.source()); HikariDataSource target = dataSource(db.target())) {
            TableSchema schema = new SchemaLoader(source).load(name).orElseThrow();
            Copier copier = copier(config, source, target, ignored -> Optional.of(schema));
            TableCopyState resync = new TableCopyState(List.of(new RangeState(null, null, null, false)), false, 0, true);
            List<TablePlan> plans = copier.plan(List.of(schema), Map.of(name, resync));
            assertTrue(plans.get(0).resync());
            copier.run(plans);
            assertTrue(plans.get(0).isComplete());
            assertTrue(copier.snapshot().get(name).resync(), "a resumed resync copy stays one");
            assertEquals(db.source().queryLong("SELECT COUNT(*) FROM " + name.quoted()), plans.get(0).progress().rowsCopied());
        }
    }

    private static HikariDataSource dataSource(MySqlServer server)
    {
        DatabaseConfig config = new DatabaseConfig(server.host(), server.port(), server.user(), Optional.of(server.password()), Map.of(), "disabled",
                Duration.ofSeconds(10));
        return DataSources.create(config, "resync", 4, true, true, true);
    }
}
