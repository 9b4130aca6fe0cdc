package dev.ferry.plugins.state;

import dev.ferry.api.FerryException;
import dev.ferry.api.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StdoutStateStoreTest
        extends StateStoreContract
{
    @TempDir
    Path directory;

    private final Map<StateStore, ByteArrayOutputStream> outputs = new HashMap<>();
    private final Map<StateStore, Optional<Path>> inputs = new HashMap<>();
    private int captures;

    @Override
    protected StateStore newStore()
    {
        return open(Optional.empty());
    }

    /**
     * Does what a wrapper does: captures the line the run printed into a file and passes it as
     * resumeFrom; when the run printed nothing, passes the previous file again.
     */
    @Override
    protected StateStore reopen(StateStore store)
            throws IOException
    {
        store.close();
        String printed = outputs.get(store).toString(StandardCharsets.UTF_8);
        if (printed.isEmpty()) {
            return open(inputs.get(store));
        }
        Path captured = directory.resolve("captured-" + captures++ + ".json");
        Files.writeString(captured, printed);
        return open(Optional.of(captured));
    }

    private StateStore open(Optional<Path> resumeFrom)
    {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8);
        StateStore store = new StdoutStateStore(resumeFrom, () -> stream);
        store.start();
        outputs.put(store, output);
        inputs.put(store, resumeFrom);
        return store;
    }

    @Test
    void printsTheLatestDocumentAsOneCompactLineOnClose()
    {
        StateStore store = newStore();
        store.write("{\n  \"phase\": \"copying\"\n}");
        store.write("{\n  \"format\": 1,\n  \"tables\": {\n    \"shop.items\": {\"complete\": true}\n  },\n"
                + "  \"text\": \"two  spaces, \\\"quoted\\\" \\\\\",\n  \"verifierState\": \"{\\\"a\\\": 1}\"\n}");
        assertEquals("", output(store), "nothing is printed before close");
        store.close();
        store.close();
        assertEquals("{\"format\":1,\"tables\":{\"shop.items\":{\"complete\":true}},\"text\":\"two  spaces, \\\"quoted\\\" \\\\\","
                + "\"verifierState\":\"{\\\"a\\\": 1}\"}\n", output(store));
    }

    @Test
    void printsNothingWithoutADocument()
    {
        StateStore store = newStore();
        store.close();
        assertEquals("", output(store));
    }

    @Test
    void keepsEveryPrintedDocumentOnOneLine()
    {
        assertEquals("{\"a\":\"x\\ny\\r\\n\",\"b\":[1,2]}", StdoutStateStore.compact("{ \"a\" : \"x\ny\r\n\",\r\n\t\"b\": [ 1, 2 ] }"));
        assertEquals("{\"a\":\"back\\nslash\"}", StdoutStateStore.compact("{\"a\": \"back\\\nslash\"}"));
    }

    @Test
    void refusesAMissingOrEmptyResumeFile()
            throws IOException
    {
        Path missing = directory.resolve("missing.json");
        FerryException e = assertThrows(FerryException.class, () -> open(Optional.of(missing)).read());
        assertEquals("the state to resume from (state.resumeFrom) " + missing + " does not exist: give the file holding the line "
                + "a previous run printed, or leave resumeFrom out to start a new run", e.getMessage());
        Path empty = Files.writeString(directory.resolve("empty.json"), "\n");
        e = assertThrows(FerryException.class, () -> open(Optional.of(empty)).read());
        assertEquals("the state to resume from (state.resumeFrom) " + empty + " is empty: the run that should have printed it printed "
                + "nothing (it was killed before it ended?); leave resumeFrom out to start a new run", e.getMessage());
    }

    @Test
    void describesWhereItResumedFrom()
    {
        assertEquals("stdout", newStore().describe());
        assertEquals("stdout (resumed from file /tmp/state.json)", open(Optional.of(Path.of("/tmp/state.json"))).describe());
    }

    private String output(StateStore store)
    {
        return outputs.get(store).toString(StandardCharsets.UTF_8);
    }
}
