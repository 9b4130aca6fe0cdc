package dev.ferry.plugins.filters;

import dev.ferry.api.FerryException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestCachedLookup
{
    private static final Function<byte[], Object> AS_TEXT = bytes -> new String(bytes, StandardCharsets.UTF_8);

    @Test
    void asksTheSourceOncePerValue()
    {
        List<Object> asked = new ArrayList<>();
        CachedLookup lookup = new CachedLookup(parameter -> {
            asked.add(parameter);
            return parameter.equals("7");
        }, 100, "check the tenant");

        assertTrue(lookup.test(bytes("7"), AS_TEXT));
        assertFalse(lookup.test(bytes("8"), AS_TEXT));
        assertTrue(lookup.test(bytes("7"), AS_TEXT));
        assertFalse(lookup.test(bytes("8"), AS_TEXT));

        assertEquals(List.of("7", "8"), asked);
        assertEquals(2, lookup.queries());
    }

    @Test
    void keyIsACopyOfTheValueBytes()
    {
        CachedLookup lookup = new CachedLookup(parameter -> true, 100, "check the tenant");
        byte[] value = bytes("7");
        lookup.test(value, AS_TEXT);
        // the caller reuses its row buffers: a later change to them must not move the cached key
        value[0] = '9';

        lookup.test(bytes("7"), AS_TEXT);
        assertEquals(1, lookup.queries());
        lookup.test(bytes("9"), AS_TEXT);
        assertEquals(2, lookup.queries());
    }

    @Test
    void staysWithinItsCapacity()
    {
        CachedLookup lookup = new CachedLookup(parameter -> true, 50, "check the tenant");
        for (int i = 0; i < 10_000; i++) {
            lookup.test(bytes(Integer.toString(i)), AS_TEXT);
        }
        assertEquals(10_000, lookup.queries());
        assertTrue(lookup.cachedAnswers() <= 50, "cached " + lookup.cachedAnswers() + " answers with capacity 50");
        assertTrue(lookup.cachedAnswers() > 0);
    }

    @Test
    void recordReplacesACachedAnswer()
    {
        CachedLookup lookup = new CachedLookup(parameter -> true, 100, "check the tenant");
        assertTrue(lookup.test(bytes("7"), AS_TEXT));

        // e.g. the binlog moved parent 7 out of the tenant
        lookup.record(bytes("7"), false);

        assertFalse(lookup.test(bytes("7"), AS_TEXT));
        assertEquals(1, lookup.queries());
    }

    @Test
    void recordedAnswerNeedsNoQuery()
    {
        CachedLookup lookup = new CachedLookup(parameter -> {
            throw new AssertionError("unexpected source query for " + parameter);
        }, 100, "check the tenant");
        lookup.record(bytes("7"), true);
        assertTrue(lookup.test(bytes("7"), AS_TEXT));
        assertEquals(0, lookup.queries());
    }

    @Test
    void sourceErrorNamesWhatWasAskedAndIsNotCached()
    {
        SQLException cause = new SQLException("Communications link failure");
        int[] calls = {0};
        CachedLookup lookup = new CachedLookup(parameter -> {
            calls[0]++;
            throw cause;
        }, 100, "check the parent of shop.order_items");

        FerryException failure = assertThrows(FerryException.class, () -> lookup.test(bytes("7"), AS_TEXT));
        assertEquals("copy filter: cannot check the parent of shop.order_items on the source: Communications link failure", failure.getMessage());
        assertSame(cause, failure.getCause());
        assertThrows(FerryException.class, () -> lookup.test(bytes("7"), AS_TEXT));
        assertEquals(2, calls[0]);
    }

    @Test
    void rejectsANonPositiveCapacity()
    {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> new CachedLookup(parameter -> true, 0, "check"));
        assertEquals("capacity must be positive (got 0)", failure.getMessage());
    }

    @Test
    void concurrentCallersGetTheSourcesAnswers()
            throws Exception
    {
        CachedLookup lookup = new CachedLookup(parameter -> Integer.parseInt((String) parameter) % 3 == 0, 64, "check the tenant");
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                wrong.add(threads.submit(() -> {
                    int mistakes = 0;
                    for (int i = 0; i < 20_000; i++) {
                        int value = i % 500;
                        if (lookup.test(bytes(Integer.toString(value)), AS_TEXT) != (value % 3 == 0)) {
                            mistakes++;
                        }
                    }
                    return mistakes;
                }));
            }
            for (Future<Integer> result : wrong) {
                assertEquals(0, result.get());
            }
        }
        finally {
            threads.shutdownNow();
        }
        assertTrue(lookup.cachedAnswers() <= 64);
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
