package dev.ferry.runtime.copy;

import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyTaskOrderTest
{
    private static final TableName BLOBS = new TableName("db", "blobs");
    private static final TableName EVENTS = new TableName("db", "events");
    private static final TableName SMALL = new TableName("db", "small");
    private static final TableName PARENT = new TableName("db", "parent");
    private static final TableName CHILD = new TableName("db", "child");

    @Test
    void largestTasksGoFirstAndEqualOnesKeepTheirOrder()
    {
        List<Copier.CopyTask> tasks = List.of(
                task(SMALL, 10), task(BLOBS, 60_000), task(EVENTS, 7_500), task(EVENTS, 7_500), task(SMALL, 10));
        assertEquals(List.of(tasks.get(1), tasks.get(2), tasks.get(3), tasks.get(0), tasks.get(4)), Copier.longestFirst(tasks, Map.of()));
    }

    @Test
    void aTableComesAfterEveryTaskOfTheTablesItWaitsFor()
    {
        // the parent waits for its (small) cascading child: the child's tasks are queued before it
        List<Copier.CopyTask> tasks = List.of(task(CHILD, 5), task(CHILD, 5), task(PARENT, 1_000), task(EVENTS, 500));
        List<Copier.CopyTask> order = Copier.longestFirst(tasks, Map.of(PARENT, List.of(CHILD)));
        assertEquals(List.of(tasks.get(3), tasks.get(0), tasks.get(1), tasks.get(2)), order);
    }

    @Test
    void randomWaitGraphsKeepEveryTaskOnceAndEveryWaitSatisfied()
    {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            int tables = 1 + random.nextInt(8);
            List<TableName> names = new ArrayList<>();
            for (int i = 0; i < tables; i++) {
                names.add(new TableName("db", "t" + i));
            }
            // a table waits only for tables before it (acyclic, as CascadeOrder's waits are)
            Map<TableName, List<TableName>> waits = new HashMap<>();
            for (int i = 1; i < tables; i++) {
                List<TableName> parents = new ArrayList<>();
                for (int j = 0; j < i; j++) {
                    if (random.nextInt(3) == 0) {
                        parents.add(names.get(j));
                    }
                }
                waits.put(names.get(i), parents);
            }
            List<Copier.CopyTask> tasks = new ArrayList<>();
            for (TableName name : names) {
                for (int r = 1 + random.nextInt(4); r > 0; r--) {
                    tasks.add(task(name, random.nextInt(1000)));
                }
            }
            List<Copier.CopyTask> order = Copier.longestFirst(tasks, waits);
            assertEquals(tasks.size(), order.size());
            assertTrue(order.containsAll(tasks));
            for (int i = 0; i < order.size(); i++) {
                for (TableName parent : waits.getOrDefault(order.get(i).table(), List.of())) {
                    for (int j = i + 1; j < order.size(); j++) {
                        assertTrue(!order.get(j).table().equals(parent), "round " + round + ": " + order.get(i).table() + " queued before a task of " + parent);
                    }
                }
            }
        }
    }

    private static Copier.CopyTask task(TableName table, long weight)
    {
        return new Copier.CopyTask(table, weight, () -> {});
    }
}
