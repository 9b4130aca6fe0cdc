package dev.ferry.runtime.apply;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.ForeignKey.Action;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static dev.ferry.testing.spi.TestingTables.row;
import static dev.ferry.testing.spi.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplyPartitionerTest
{
    private static final TableSchema HOT = table("shop.hot").column("id", "bigint").column("u", "int").nullable("v", "varchar(20)")
            .nullable("w", "varchar(20)").nullable("f", "double").column("tenant", "int")
            .primaryKey("id").uniqueIndex("u", "u").uniqueIndex("v", "v").text("code", "varchar(20)", "utf8mb4", "utf8mb4_bin")
            .uniqueIndex("code", "code").uniqueIndex("tenant_w", "tenant", "w").uniqueIndex("f", "f").build();
    private static final TableSchema OTHER = table("shop.other").column("id", "int").primaryKey("id").build();
    private static final TableSchema KEYLESS = table("shop.log").column("a", "int").column("b", "int").build();
    private static final TableSchema PARENT = table("shop.parent").column("id", "int").primaryKey("id").build();
    private static final TableSchema CHILD = table("shop.child").column("id", "int").column("parent_id", "int").primaryKey("id")
            .foreignKey("fk", List.of("parent_id"), "shop.parent", List.of("id"), Action.CASCADE, Action.CASCADE).build();
    private static final TableSchema AUDIT = table("shop.audit").column("id", "int").column("parent_id", "int").primaryKey("id")
            .foreignKey("fk_audit", List.of("parent_id"), "shop.parent", List.of("id"), Action.RESTRICT, Action.RESTRICT).build();

    private final ApplyPartitioner partitioner = new ApplyPartitioner(List.of(HOT, OTHER, KEYLESS, PARENT, CHILD, AUDIT));

    @Test
    void rowsOfOneKeyStayTogetherInBinlogOrderAndOthersSpread()
    {
        List<RowEvent> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(update(OTHER, row(String.valueOf(i % 8)), row(String.valueOf(i % 8))));
        }
        List<List<RowEvent>> parts = partitioner.partition(batch, Function.identity(), 4);
        assertEquals(4, parts.size());
        // 8 keys of 5 events each: two keys per part
        for (List<RowEvent> part : parts) {
            assertEquals(10, part.size());
        }
        assertPartsKeepOrder(batch, parts);
        assertEquals(1, partsHolding(parts, event -> new String(event.after().get(0))).get("3").size());
    }

    @Test
    void aKeyChangeJoinsTheOldAndTheNewKey()
    {
        RowEvent move = update(OTHER, row("1"), row("2"));
        List<RowEvent> batch = List.of(insert(OTHER, row("2")), delete(OTHER, row("2")), move, update(OTHER, row("1"), row("1")), insert(OTHER, row("3")));
        List<List<RowEvent>> parts = partitioner.partition(batch, Function.identity(), 4);
        assertEquals(2, parts.size());
        assertEquals(List.of(batch.get(0), batch.get(1), move, batch.get(3)), parts.get(0));
        assertEquals(List.of(batch.get(4)), parts.get(1));
    }

    @Test
    void aReusedUniqueValueOrdersTheDeleteBeforeTheInsert()
    {
        // row 1 frees u=5, row 2 takes it: different primary keys, same unique value
        RowEvent free = delete(HOT, hot("1", "5", null, null, null, "1", "a"));
        RowEvent take = insert(HOT, hot("2", "5", null, null, null, "1", "b"));
        RowEvent unrelated = insert(HOT, hot("3", "6", null, null, null, "1", "c"));
        List<List<RowEvent>> parts = partitioner.partition(List.of(free, take, unrelated), Function.identity(), 4);
        assertEquals(List.of(List.of(free, take), List.of(unrelated)), parts);
    }

    @Test
    void nullsInAUniqueIndexConstrainNothing()
    {
        RowEvent first = insert(HOT, hot("1", "1", null, null, null, "1", "a"));
        RowEvent second = insert(HOT, hot("2", "2", null, null, null, "1", "b"));
        assertEquals(2, partitioner.partition(List.of(first, second), Function.identity(), 4).size());
    }

    @Test
    void textInACaseInsensitiveCollationKeysTheWholeIndex()
    {
        // 'A' and 'a' are the same value to utf8mb4_general_ci: v's key cannot tell them apart
        RowEvent upper = insert(HOT, hot("1", "1", "A", null, null, "1", "x"));
        RowEvent lower = insert(HOT, hot("2", "2", "a", null, null, "1", "y"));
        assertEquals(1, partitioner.partition(List.of(upper, lower), Function.identity(), 4).size());
        // in a composite index the binary-compared columns still split: tenants 1 and 2
        RowEvent one = insert(HOT, hot("3", "3", null, "W", null, "1", "p"));
        RowEvent two = insert(HOT, hot("4", "4", null, "w", null, "2", "q"));
        assertEquals(2, partitioner.partition(List.of(one, two), Function.identity(), 4).size());
        RowEvent sameTenant = insert(HOT, hot("5", "5", null, "w", null, "1", "r"));
        assertEquals(1, partitioner.partition(List.of(one, sameTenant), Function.identity(), 4).size());
        // doubles: -0 equals 0
        RowEvent zero = insert(HOT, hot("6", "6", null, null, "0", "1", "s"));
        RowEvent negativeZero = insert(HOT, hot("7", "7", null, null, "-0", "1", "t"));
        assertEquals(1, partitioner.partition(List.of(zero, negativeZero), Function.identity(), 4).size());
    }

    @Test
    void binaryCollationsIgnoreOnlyTrailingSpaces()
    {
        RowEvent plain = insert(HOT, hot("1", "1", null, null, null, "1", "abc"));
        RowEvent padded = insert(HOT, hot("2", "2", null, null, null, "1", "abc  "));
        RowEvent other = insert(HOT, hot("3", "3", null, null, null, "1", "ABC"));
        List<List<RowEvent>> parts = partitioner.partition(List.of(plain, padded, other), Function.identity(), 4);
        assertEquals(List.of(List.of(plain, padded), List.of(other)), parts);
    }

    @Test
    void keylessTablesAndCascadeGroupsAreSerialized()
    {
        List<RowEvent> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(insert(KEYLESS, row(String.valueOf(i), "0")));
            batch.add(delete(PARENT, row(String.valueOf(i))));
            batch.add(insert(CHILD, row(String.valueOf(100 + i), String.valueOf(i))));
            batch.add(insert(AUDIT, row(String.valueOf(100 + i), String.valueOf(i))));
        }
        List<List<RowEvent>> parts = partitioner.partition(batch, Function.identity(), 16);
        // the keyless table, parent and child together, and six independent audit rows (RESTRICT cascades nothing)
        assertEquals(8, parts.size());
        Map<String, List<Integer>> byTable = partsHolding(parts, event -> event.table().name().table());
        assertEquals(1, byTable.get("log").size());
        assertEquals(byTable.get("parent"), byTable.get("child"));
        assertEquals(1, byTable.get("parent").size());
        assertEquals(6, byTable.get("audit").size());
        assertPartsKeepOrder(batch, parts);
    }

    @Test
    void randomBatchesNeverSplitEventsThatShareARowOrAUniqueValue()
    {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<RowEvent> batch = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String id = String.valueOf(random.nextInt(30));
                String u = String.valueOf(random.nextInt(30));
                Row image = hot(id, u, null, null, null, "1", "c" + id);
                switch (random.nextInt(3)) {
                    case 0 -> batch.add(insert(HOT, image));
                    case 1 -> batch.add(delete(HOT, image));
                    default -> batch.add(update(HOT, hot(String.valueOf(random.nextInt(30)), String.valueOf(random.nextInt(30)), null, null, null, "1",
                            "d" + i), image));
                }
            }
            List<List<RowEvent>> parts = partitioner.partition(batch, Function.identity(), 1 + random.nextInt(8));
            assertPartsKeepOrder(batch, parts);
            Map<String, List<Integer>> byId = partsHoldingAll(parts, 0);
            Map<String, List<Integer>> byU = partsHoldingAll(parts, 1);
            byId.values().forEach(holders -> assertEquals(1, holders.size(), "a primary key in two parts"));
            byU.values().forEach(holders -> assertEquals(1, holders.size(), "a unique value in two parts"));
        }
    }

    private static Row hot(String id, String u, String v, String w, String f, String tenant, String code)
    {
        return row(id, u, v, w, f, tenant, code);
    }

    private static void assertPartsKeepOrder(List<RowEvent> batch, List<List<RowEvent>> parts)
    {
        int total = 0;
        for (List<RowEvent> part : parts) {
            assertTrue(!part.isEmpty(), "an empty part");
            int last = -1;
            for (RowEvent event : part) {
                int index = indexOf(batch, event);
                assertTrue(index > last, "a part out of binlog order");
                last = index;
            }
            total += part.size();
        }
        assertEquals(batch.size(), total);
    }

    private static int indexOf(List<RowEvent> batch, RowEvent event)
    {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) == event) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, List<Integer>> partsHolding(List<List<RowEvent>> parts, Function<RowEvent, String> key)
    {
        Map<String, List<Integer>> holders = new HashMap<>();
        for (int p = 0; p < parts.size(); p++) {
            for (RowEvent event : parts.get(p)) {
                List<Integer> list = holders.computeIfAbsent(key.apply(event), ignored -> new ArrayList<>());
                if (!list.contains(p)) {
                    list.add(p);
                }
            }
        }
        return holders;
    }

    /**
     * The parts holding a value of column {@code position}, in old or new images.
     */
    private static Map<String, List<Integer>> partsHoldingAll(List<List<RowEvent>> parts, int position)
    {
        Map<String, List<Integer>> holders = new HashMap<>();
        for (int p = 0; p < parts.size(); p++) {
            for (RowEvent event : parts.get(p)) {
                for (Row image : images(event)) {
                    List<Integer> list = holders.computeIfAbsent(new String(image.get(position)), ignored -> new ArrayList<>());
                    if (!list.contains(p)) {
                        list.add(p);
                    }
                }
            }
        }
        return holders;
    }

    private static Collection<Row> images(RowEvent event)
    {
        List<Row> images = new ArrayList<>(2);
        if (event.before() != null) {
            images.add(event.before());
        }
        if (event.after() != null) {
            images.add(event.after());
        }
        return images;
    }

    private static RowEvent insert(TableSchema table, Row row)
    {
        return new RowEvent(RowEvent.Type.INSERT, table, null, row, position());
    }

    private static RowEvent delete(TableSchema table, Row row)
    {
        return new RowEvent(RowEvent.Type.DELETE, table, row, null, position());
    }

    private static RowEvent update(TableSchema table, Row before, Row after)
    {
        return new RowEvent(RowEvent.Type.UPDATE, table, before, after, position());
    }

    private static PositionPair position()
    {
        return PositionPair.at(new BinlogPosition("bin.000001", 4, null));
    }
}
