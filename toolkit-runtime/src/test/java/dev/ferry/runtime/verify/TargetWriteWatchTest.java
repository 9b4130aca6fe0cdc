package dev.ferry.runtime.verify;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.binlog.BinlogStreamerConfig;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.schema.SchemaRegistry;
import dev.ferry.runtime.sql.StatementTag;
import dev.ferry.runtime.state.TargetWritesState;
import dev.ferry.testing.spi.TestingDataSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.ferry.testing.spi.TestingTables.row;
import static dev.ferry.testing.spi.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the watch of the target judges what the target's binlog holds, fed the way the binlog
 * streamer feeds it: statement texts, rows of the tables it asked for, DDL, transaction ends.
 */
class TargetWriteWatchTest
{
    private static final long RUN_ID = 1_234_567_890L;
    private static final StatementTag TAG = StatementTag.forRun(RUN_ID);
    private static final TableSchema ITEMS = table("shop.items").column("id", "bigint(20)").column("name", "varchar(20)").primaryKey("id").build();
    private static final TableSchema PAIRS = table("shop.pairs").column("a", "int(11)").text("b", "varchar(8)", "utf8mb4", "utf8mb4_bin")
            .primaryKey("a", "b").build();
    // shop.items lands in shop_new.items on the target
    private static final RewritesConfig REWRITES = new RewritesConfig(Map.of("shop", "shop_new"), Map.of());
    private static final TableName TARGET_ITEMS = new TableName("shop_new", "items");

    private final SchemaRegistry schemas = new SchemaRegistry(List.of(ITEMS, PAIRS));
    private final RuntimeMetrics metrics = new RuntimeMetrics();
    private final TargetWriteWatch watch = new TargetWriteWatch(
            BinlogStreamerConfig.defaults("127.0.0.1", 3306, "ferry", "").withRole(BinlogStreamerConfig.Role.TARGET_WATCH),
            TestingDataSource.unconnected(), schemas, REWRITES, TAG, () -> {}, metrics);
    private long offset = 4;

    @Test
    void ownStatementsAreNotLookedAtAndOthersAreRecordedByKey()
    {
        // the streamer asks, at each TABLE_MAP, whether to decode the rows: not this run's
        transaction(TAG.apply("LOAD DATA LOCAL INFILE 'ferry-batch' IGNORE INTO TABLE `shop_new`.`items`"));
        assertFalse(asksFor(TARGET_ITEMS));
        watch.onTransactionEnd(position(), 0);

        watch.onTransactionStart();
        watch.onStatementText("UPDATE shop_new.items SET name = 'TAMPERED' WHERE id = 778");
        assertTrue(asksFor(TARGET_ITEMS));
        assertFalse(asksFor(new TableName("shop", "items")), "not a moved table's name on the target");
        assertFalse(asksFor(new TableName("shop_new", "other")), "not a moved table");
        watch.onRowEvents(List.of(new RowEvent(RowEvent.Type.UPDATE, ITEMS, row("778", "a"), row("778", "TAMPERED"), position())), 0);
        // a statement of this run in the same transaction (another session cannot share it; a
        // text that names this run must come first)
        watch.onStatementText("/* app */ " + TAG.apply("DELETE FROM t"));
        assertTrue(asksFor(TARGET_ITEMS));
        watch.onRowEvents(List.of(
                new RowEvent(RowEvent.Type.DELETE, ITEMS, row("779", "b"), null, position()),
                new RowEvent(RowEvent.Type.INSERT, ITEMS, null, row("100001", "intruder"), position()),
                // a key change names both keys
                new RowEvent(RowEvent.Type.UPDATE, ITEMS, row("5", "c"), row("6", "c"), position())), 0);
        assertFalse(watch.foundWrites(), "found writes count once their transaction ended");
        watch.onTransactionEnd(position(), 0);

        // a statement logged without any text (binlog_annotate_row_events off in its session)
        watch.onTransactionStart();
        assertTrue(asksFor(new TableName("shop_new", "pairs")));
        watch.onRowEvents(List.of(new RowEvent(RowEvent.Type.INSERT, PAIRS, null, row("1", "x"), position())), 0);
        watch.onTransactionEnd(position(), 0);

        TargetWrites found = watch.snapshot();
        assertTrue(found.found());
        assertEquals(5, found.writes());
        assertEquals(5, metrics.counter("target_foreign_writes", "").value());
        TargetWritesState.Table items = found.tables().get(0);
        assertEquals(new TableName("shop", "items"), items.table());
        assertEquals(TARGET_ITEMS, items.target());
        assertEquals(4, items.rows());
        assertEquals(List.of(key(778), key(779), key(100001), key(5), key(6)), items.keys());
        assertEquals(List.of(Key.of(new KeyValue.SignedInt(1), new KeyValue.Text("x"))), found.tables().get(1).keys());

        VerificationResult result = found.toResult();
        assertTrue(result.failed());
        assertEquals(List.of(key(778), key(779), key(100001), key(5), key(6)), result.mismatches().get(0).keys());
        assertEquals("written on the target by something other than this ferry run as shop_new.items: 4 row changes, keys (778), (779), "
                + "(100001), (5), (6)", result.mismatches().get(0).reason());
        assertTrue(result.message().startsWith("something other than this ferry run wrote to 2 moved table(s) on the target"), result.message());
    }

    @Test
    void anotherFerryRunIsSomeoneElse()
    {
        transaction(StatementTag.forRun(RUN_ID + 1).apply("INSERT INTO `shop_new`.`items` VALUES (?, ?)"));
        assertTrue(asksFor(TARGET_ITEMS));
    }

    @Test
    void schemaChangesByOthersAreRecordedAndOwnOnesAreNot()
    {
        ddl(TAG.apply("ALTER TABLE `shop_new`.`items` ADD COLUMN x INT"), "");
        ddl("CREATE TABLE shop_new.unrelated (id INT)", "");
        ddl("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1", "shop_new");
        ddl("INSERT INTO items VALUES (1, 'statement-based')", "shop_new");
        assertFalse(watch.snapshot().found());

        ddl("TRUNCATE TABLE items", "shop_new");
        assertEquals(1, watch.snapshot().tables().get(0).statements());
        assertEquals(List.of("TRUNCATE TABLE items"), watch.snapshot().tables().get(0).notes());
    }

    @Test
    void aDropTheServerLogsAnewIsOwnWhenThisRunAnnouncedIt()
    {
        // MariaDB logs every DROP TABLE anew, without the statement's comments
        watch.expectOwnDrops(List.of(TARGET_ITEMS));
        ddl("DROP TABLE `shop_new`.`items` /* generated by server */", "");
        assertFalse(watch.snapshot().found());
        // each announcement excuses one drop
        ddl("DROP TABLE `shop_new`.`items` /* generated by server */", "");
        assertTrue(watch.snapshot().found());
        // so does dropping the database
        ddl("DROP DATABASE shop_new", "");
        assertEquals(List.of(2L, 1L), watch.snapshot().tables().stream().map(TargetWritesState.Table::statements).toList());
    }

    @Test
    void rowsThatCannotBeDecodedAreCountedWithWhy()
    {
        watch.onTransactionStart();
        watch.onUndecodedRows(TARGET_ITEMS, 7, "its structure differs from the schema ferry holds: column 3 ...", position());
        watch.onTransactionEnd(position(), 0);
        TargetWritesState.Table items = watch.snapshot().tables().get(0);
        assertEquals(7, items.rows());
        assertEquals(List.of(), items.keys());
        assertEquals(List.of("7 row change(s) whose key could not be read (its structure differs from the schema ferry holds: column 3 ...)"), items.notes());
    }

    @Test
    void aSavedStateHoldsWhatItsPositionHoldsAndARestoreContinuesIt()
    {
        BinlogPosition start = new BinlogPosition("bin.000002", 4, null);
        watch.restore(new TargetWritesState(start, List.of(new TargetWritesState.Table(new TableName("shop", "items"), TARGET_ITEMS, 1, 0,
                List.of(key(1)), List.of()))));
        watch.onTransactionStart();
        watch.onStatementText("DELETE FROM shop_new.items WHERE id = 2");
        watch.onRowEvents(List.of(new RowEvent(RowEvent.Type.DELETE, ITEMS, row("2", "b"), null, position())), 0);
        // a checkpoint in the middle of the transaction: neither its rows nor its end
        assertEquals(List.of(key(1)), watch.saveState().tables().get(0).keys());
        PositionPair end = position();
        watch.onTransactionEnd(end, 0);
        TargetWritesState saved = watch.saveState();
        assertEquals(end.resume(), saved.position());
        assertEquals(2, saved.tables().get(0).rows());
        assertEquals(List.of(key(1), key(2)), saved.tables().get(0).keys());
    }

    @Test
    void onlyATargetWatchStream()
    {
        assertThrows(IllegalArgumentException.class, () -> new TargetWriteWatch(BinlogStreamerConfig.defaults("127.0.0.1", 3306, "ferry", ""),
                TestingDataSource.unconnected(), schemas, REWRITES, TAG, () -> {}, metrics));
    }

    /**
     * A statement logged as text, a transaction of its own.
     */
    private void ddl(String sql, String defaultDatabase)
    {
        watch.onQuery(sql, defaultDatabase, position(), 0);
        watch.onTransactionEnd(position(), 0);
    }

    private void transaction(String statementText)
    {
        watch.onTransactionStart();
        watch.onStatementText(statementText);
    }

    /**
     * What the streamer's TABLE_MAP test answers; the watch hands the predicate to the streamer
     * it starts, so it is reached the same way here.
     */
    private boolean asksFor(TableName target)
    {
        return watch.watches(target);
    }

    private PositionPair position()
    {
        offset += 100;
        return PositionPair.at(new BinlogPosition("bin.000002", offset, null));
    }

    private static Key key(long id)
    {
        return Key.of(new KeyValue.SignedInt(id));
    }
}
