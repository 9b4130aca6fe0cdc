package dev.ferry.plugins.verifiers;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.testing.spi.TestingTables;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestTablePlan
{
    static final TableName PAIRS = new TableName("shop", "pairs");

    /**
     * {@code pairs (a INT, b VARCHAR, v TEXT, note TEXT, g INT GENERATED, PRIMARY KEY (a, b))}.
     */
    static TableSchema pairs()
    {
        return pairsColumns().primaryKey("a", "b").build();
    }

    private static TestingTables.Builder pairsColumns()
    {
        return TestingTables.table(PAIRS)
                .column("a", "int")
                .column("b", "varchar(10)")
                .nullable("v", "blob")
                .nullable("note", "text")
                .generated("g", "int")
                .fingerprint("fp");
    }

    @Test
    void comparesWritableColumnsMinusIgnoredOnes()
    {
        TablePlan plan = new TablePlan(pairs(), new TableName("archive", "pairs"), List.of("NOTE"), Map.of("v", "snappy"), Optional.empty());
        assertEquals(List.of("a", "b", "v"), names(plan.selectColumns()));
        assertArrayEquals(new int[] {0, 1, 2}, plan.comparedInWritable());
        assertArrayEquals(new int[] {0, 1}, plan.keyInWritable());
        assertArrayEquals(new int[] {0, 1}, plan.keyInTable());
        assertArrayEquals(new boolean[] {false, false, true}, plan.snappy());
        assertTrue(plan.batchesHaveKey());
        assertFalse(plan.keyless());
    }

    @Test
    void keepsIgnoredKeyColumnsForMatching()
    {
        TablePlan plan = new TablePlan(pairs(), PAIRS, List.of("b"), Map.of(), Optional.empty());
        assertEquals(List.of("a", "v", "note", "b"), names(plan.selectColumns()));
        assertArrayEquals(new int[] {0, 1, 2}, plan.comparedInSelect());
        assertArrayEquals(new int[] {0, 3}, plan.keyInSelect());
        assertNull(plan.snappy());
    }

    @Test
    void buildsCompositeRangeQueries()
    {
        TablePlan plan = new TablePlan(pairs(), new TableName("archive", "pairs"), List.of(), Map.of(), Optional.empty());
        Key key = Key.of(new KeyValue.SignedInt(5), new KeyValue.Text("m"));
        assertEquals("SELECT `a`, `b`, `v`, `note` FROM `archive`.`pairs`"
                        + " WHERE (`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` > ?)))"
                        + " AND (`a` <= ? AND ((`a` < ?) OR (`a` = ? AND `b` <= ?)))"
                        + " ORDER BY `a`, `b` LIMIT 7",
                plan.range(TablePlan.Side.TARGET, new TablePlan.Bound(key, false), new TablePlan.Bound(key, true), 7).sql());
        assertEquals("SELECT `a`, `b`, `v`, `note` FROM `shop`.`pairs` WHERE (`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` >= ?))) ORDER BY `a`, `b`",
                plan.range(TablePlan.Side.SOURCE, new TablePlan.Bound(key, true), null, 0).sql());
    }

    @Test
    void buildsKeyLookupsWithTheCopyFilterOnTheSourceOnly()
    {
        SqlPredicate tenant = new SqlPredicate("`a` = ?", List.of(5L));
        TablePlan plan = new TablePlan(pairs(), PAIRS, List.of(), Map.of(), Optional.of(tenant));
        List<Key> keys = List.of(Key.of(new KeyValue.SignedInt(1), new KeyValue.Text("x")), Key.of(new KeyValue.SignedInt(2), new KeyValue.Text("y")));
        assertEquals("SELECT `a`, `b`, `v`, `note` FROM `shop`.`pairs` WHERE ((`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?)) AND (`a` = ?) ORDER BY `a`, `b`",
                plan.keys(TablePlan.Side.SOURCE, keys).sql());
        assertEquals("SELECT `a`, `b`, `v`, `note` FROM `shop`.`pairs` WHERE ((`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?)) ORDER BY `a`, `b`",
                plan.keys(TablePlan.Side.TARGET, keys).sql());
    }

    @Test
    void singleColumnKeysUseIn()
    {
        TableSchema single = pairsColumns().primaryKey("a", "b").paginationKey("copy.paginationColumns", "a").build();
        TablePlan plan = new TablePlan(single, PAIRS, List.of(), Map.of(), Optional.empty());
        assertEquals("SELECT `a`, `b`, `v`, `note` FROM `shop`.`pairs` WHERE `a` IN (?, ?, ?) ORDER BY `a`",
                plan.keys(TablePlan.Side.TARGET, List.of(Key.of(new KeyValue.SignedInt(1)), Key.of(new KeyValue.SignedInt(2)), Key.of(new KeyValue.SignedInt(3)))).sql());
        assertEquals("SELECT MIN(`a`), MAX(`a`) FROM `shop`.`pairs`", plan.minMaxSql());
    }

    @Test
    void fullCopyTablesUseTheirPrimaryKeyOrNone()
    {
        TableSchema schema = pairs().withPaginationKey(PaginationKey.fullCopy());
        assertEquals(List.of("a", "b"), names(new TablePlan(schema, PAIRS, List.of(), Map.of(), Optional.empty()).keyColumns()));
        TableSchema noKey = pairsColumns().build();
        TablePlan plan = new TablePlan(noKey, PAIRS, List.of(), Map.of(), Optional.empty());
        assertTrue(plan.keyless());
        assertFalse(plan.batchesHaveKey());
        assertEquals("SELECT `a`, `b`, `v`, `note` FROM `shop`.`pairs` WHERE (`a` = ?)",
                new TablePlan(noKey, PAIRS, List.of(), Map.of(), Optional.of(new SqlPredicate("`a` = ?", List.of(1L)))).all(TablePlan.Side.SOURCE).sql());
    }

    @Test
    void decodesKeysFromRowBytes()
    {
        TablePlan plan = new TablePlan(pairs(), PAIRS, List.of(), Map.of(), Optional.empty());
        Row row = Row.wrap(new byte[][] {bytes("-12"), bytes("Ärger"), null, null, bytes("1")});
        assertEquals(Key.of(new KeyValue.SignedInt(-12), new KeyValue.Text("Ärger")), plan.keyOf(row, plan.keyInTable()));
        assertNull(plan.keyOf(Row.wrap(new byte[][] {bytes("1"), null, null, null, null}), plan.keyInTable()));
    }

    @Test
    void comparerPairsRowsByKeyBytesWhenTheSidesDiverge()
    {
        TableSchema schema = pairs();
        TablePlan plan = new TablePlan(schema, PAIRS, List.of(), Map.of(), Optional.empty());
        List<Row> source = List.of(row("1", "a", "x"), row("2", "a", "x"), row("3", "a", "x"), row("4", "a", "x"), row("5", "a", "x"));
        // target: 2 missing, 2b extra, 4 differs, 3 and 5 equal after the divergence
        List<Row> target = List.of(row("1", "a", "x"), row("2", "b", "x"), row("3", "a", "x"), row("4", "a", "y"), row("5", "a", "x"));
        List<String> found = new ArrayList<>();
        DiffSink sink = new DiffSink()
        {
            @Override
            public void differs(TableName table, Key key)
            {
                found.add(key.toString());
            }

            @Override
            public void tableDiffers(TableName table, String reason)
            {
                found.add(reason);
            }
        };
        int differences = new RowComparer().compare(plan, source, plan.comparedInSelect(), plan.keyInSelect(), target, sink);
        assertEquals(3, differences);
        assertEquals(List.of("(2, a)", "(4, a)", "(2, b)"), found);
    }

    private static Row row(String a, String b, String v)
    {
        return Row.wrap(new byte[][] {bytes(a), bytes(b), bytes(v), null});
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(List<Column> columns)
    {
        List<String> result = new ArrayList<>();
        for (Column column : columns) {
            result.add(column.name());
        }
        return result;
    }
}
