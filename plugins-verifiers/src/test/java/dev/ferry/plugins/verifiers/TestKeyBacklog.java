package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestKeyBacklog
{
    private static final TableName ITEMS = new TableName("shop", "items");
    private static final TableName PAIRS = new TableName("shop", "pairs");
    private static final TableName LOGS = new TableName("shop", "logs");

    @Test
    void keysRoundTripThroughJson()
    {
        List<Key> keys = List.of(
                Key.of(new KeyValue.SignedInt(Long.MIN_VALUE)),
                Key.of(new KeyValue.SignedInt(-1)),
                Key.of(new KeyValue.UnsignedInt(-1L)),
                Key.of(new KeyValue.UnsignedInt(Long.MIN_VALUE)),
                Key.of(new KeyValue.Text("O'Brien \"quoted\" \\ tab\t nl\n \u0001 ünï €𝄞")),
                Key.of(new KeyValue.Text("")),
                Key.of(KeyValue.Bytes.fromHex("00ff7f80")),
                Key.of(new KeyValue.Bytes(new byte[0])),
                Key.of(new KeyValue.SignedInt(2), new KeyValue.Text("b"), KeyValue.Bytes.fromHex("01")));
        for (Key key : keys) {
            String json = StateJson.write(KeyText.write(key));
            assertEquals(key, KeyText.read(StateJson.parse(json)), json);
        }
    }

    @Test
    void backlogRoundTripsThroughSavedState()
    {
        KeyBacklog backlog = new KeyBacklog(100);
        backlog.add(ITEMS, Key.of(new KeyValue.UnsignedInt(-1L)));
        backlog.add(ITEMS, Key.of(new KeyValue.UnsignedInt(7)));
        backlog.add(ITEMS, Key.of(new KeyValue.UnsignedInt(7)));
        backlog.add(PAIRS, Key.of(new KeyValue.SignedInt(2), new KeyValue.Text("b")));
        backlog.addWholeTable(LOGS);
        // keys in flight belong to the state too
        List<Key> taken = backlog.takeAll(PAIRS);
        assertEquals(1, taken.size());

        String json = save(backlog);
        KeyBacklog restored = new KeyBacklog(100);
        restored.readJson(((Map<?, ?>) StateJson.parse(json)).get("tables"), table -> table.equals(PAIRS) ? 2 : 1);
        assertEquals(List.of(Key.of(new KeyValue.UnsignedInt(7)), Key.of(new KeyValue.UnsignedInt(-1L))), restored.snapshot(ITEMS));
        assertEquals(List.of(Key.of(new KeyValue.SignedInt(2), new KeyValue.Text("b"))), restored.snapshot(PAIRS));
        assertTrue(restored.wholeTable(LOGS));
        assertEquals(3, restored.size());
        assertEquals(json, save(restored));
    }

    @Test
    void restoreSkipsDroppedTablesAndVerifiesChangedKeysWhole()
    {
        KeyBacklog backlog = new KeyBacklog(100);
        backlog.add(ITEMS, Key.of(new KeyValue.SignedInt(1)));
        backlog.add(PAIRS, Key.of(new KeyValue.SignedInt(1)));
        KeyBacklog restored = new KeyBacklog(100);
        restored.readJson(((Map<?, ?>) StateJson.parse(save(backlog))).get("tables"), table -> table.equals(ITEMS) ? -1 : 2);
        assertEquals(List.of(PAIRS), restored.tables());
        assertTrue(restored.wholeTable(PAIRS));
    }

    @Test
    void rejectsMalformedState()
    {
        KeyBacklog backlog = new KeyBacklog(10);
        assertThrows(IllegalArgumentException.class, () -> backlog.readJson(StateJson.parse("{}"), table -> 1));
        assertThrows(IllegalArgumentException.class, () -> backlog.readJson(StateJson.parse("[{\"database\":\"a\",\"table\":\"b\",\"keys\":[[\"x:1\"]]}]"), table -> 1));
        assertThrows(IllegalArgumentException.class, () -> backlog.readJson(StateJson.parse("[{\"database\":\"a\",\"table\":\"b\",\"keys\":[[\"u:-1\"]]}]"), table -> 1));
        assertThrows(IllegalArgumentException.class, () -> StateJson.parse("{\"a\":[1,}"));
    }

    @Test
    void keysChangedDuringARoundStayPending()
    {
        KeyBacklog backlog = new KeyBacklog(10);
        Key one = Key.of(new KeyValue.SignedInt(1));
        Key two = Key.of(new KeyValue.SignedInt(2));
        backlog.add(ITEMS, one);
        backlog.add(ITEMS, two);
        List<Key> taken = backlog.takeAll(ITEMS);
        backlog.add(ITEMS, one);
        backlog.finish(ITEMS, taken, List.of(two));
        assertEquals(List.of(one, two), backlog.snapshot(ITEMS));
        taken = backlog.takeAll(ITEMS);
        backlog.finish(ITEMS, taken, List.of());
        assertEquals(List.of(), backlog.snapshot(ITEMS));
    }

    @Test
    void tooManyKeysTurnIntoAWholeTableCheck()
    {
        KeyBacklog backlog = new KeyBacklog(3);
        for (int i = 0; i < 3; i++) {
            backlog.add(ITEMS, Key.of(new KeyValue.SignedInt(i)));
        }
        backlog.add(ITEMS, Key.of(new KeyValue.SignedInt(1)));
        assertFalse(backlog.wholeTable(ITEMS));
        backlog.add(ITEMS, Key.of(new KeyValue.SignedInt(3)));
        assertTrue(backlog.wholeTable(ITEMS));
        assertEquals(0, backlog.size());
        backlog.add(ITEMS, Key.of(new KeyValue.SignedInt(4)));
        assertEquals(0, backlog.size());
    }

    private static String save(KeyBacklog backlog)
    {
        return StateJson.write(java.util.Map.of("tables", backlog.toJson()));
    }
}
