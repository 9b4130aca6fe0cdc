package dev.ferry.plugins.state;

import dev.ferry.api.state.StateStore;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every state store guarantees. Documents are compact JSON, the form every store returns
 * unchanged (the stdout store compacts what it prints).
 */
abstract class StateStoreContract
{
    static final String FIRST = "{\"format\":1,\"phase\":\"copying\",\"n\":1}";
    static final String SECOND = "{\"format\":1,\"phase\":\"done\",\"n\":2}";

    /**
     * A started store on a location that holds no state.
     */
    protected abstract StateStore newStore()
            throws Exception;

    /**
     * Closes {@code store} and returns a started store on the same location, the way the next run
     * (a resume) opens it.
     */
    protected abstract StateStore reopen(StateStore store)
            throws Exception;

    @Test
    void readsNothingWhereNothingWasSaved()
            throws Exception
    {
        try (StateStore store = newStore()) {
            assertEquals(Optional.empty(), store.read());
            assertEquals(Optional.empty(), store.readPosition());
        }
    }

    @Test
    void resumedRunReadsTheSavedDocument()
            throws Exception
    {
        StateStore store = newStore();
        store.write(FIRST);
        try (StateStore resumed = reopen(store)) {
            assertEquals(Optional.of(FIRST), resumed.read());
        }
    }

    @Test
    void keepsOnlyTheLatestDocument()
            throws Exception
    {
        StateStore store = newStore();
        store.write(FIRST);
        store.write(SECOND);
        try (StateStore resumed = reopen(store)) {
            assertEquals(Optional.of(SECOND), resumed.read());
        }
    }

    @Test
    void resumingTwiceReadsTheSameDocument()
            throws Exception
    {
        StateStore store = newStore();
        store.write(SECOND);
        StateStore first = reopen(store);
        assertEquals(Optional.of(SECOND), first.read());
        try (StateStore second = reopen(first)) {
            assertEquals(Optional.of(SECOND), second.read());
        }
    }

    @Test
    void keepsLargeAndNonAsciiDocumentsExactly()
            throws Exception
    {
        String document = "{\"format\":1,\"text\":\"Zoë 😀 \\\"quoted\\\" \\n \\\\ end\",\"big\":\"" + "0123456789abcdef".repeat(1 << 16) + "\"}";
        StateStore store = newStore();
        store.write(document);
        try (StateStore resumed = reopen(store)) {
            assertEquals(Optional.of(document), resumed.read());
        }
    }

    @Test
    void describesWhereTheStateIs()
            throws Exception
    {
        try (StateStore store = newStore()) {
            String description = store.describe();
            assertFalse(description.isBlank());
            assertFalse(description.contains("null"), description);
            assertTrue(description.equals(store.toString()), "toString is describe: " + store);
        }
    }
}
