package dev.ferry.plugins.state;

import dev.ferry.api.FerryException;
import dev.ferry.api.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileStateStoreTest
        extends StateStoreContract
{
    @TempDir
    Path directory;

    private Path path()
    {
        return directory.resolve("var/lib/ferry/state.json");
    }

    @Override
    protected StateStore newStore()
    {
        FileStateStore store = new FileStateStore(path());
        store.start();
        return store;
    }

    @Override
    protected StateStore reopen(StateStore store)
    {
        store.close();
        return newStore();
    }

    @Test
    void createsItsDirectoryAndHoldsExactlyTheDocument()
            throws IOException
    {
        StateStore store = newStore();
        assertTrue(Files.isDirectory(path().getParent()));
        store.write(FIRST);
        assertEquals(FIRST, Files.readString(path()));
        assertEquals(List.of(path()), files(path().getParent()), "no temporary file is left behind");
    }

    @Test
    void failedRenameLeavesThePreviousStateIntact()
            throws IOException
    {
        newStore().write(FIRST);
        FileStateStore crashing = new FileStateStore(path(), (source, target) -> {
            throw new IOException("simulated crash");
        });
        crashing.start();
        FerryException e = assertThrows(FerryException.class, () -> crashing.write(SECOND));
        assertEquals("could not save the state to " + path() + " (simulated crash); the previous state in that file is intact", e.getMessage());
        assertEquals(Optional.of(FIRST), newStore().read());
        assertEquals(List.of(path()), files(path().getParent()), "the temporary file is removed");
    }

    @Test
    void concurrentReadsSeeOneWholeDocument()
            throws Exception
    {
        StateStore store = newStore();
        store.write(document(0));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> writer = threads.submit(() -> {
                int i = 1;
                for (; i <= 300; i++) {
                    store.write(document(i));
                }
                writing.set(false);
                return i;
            });
            Future<Integer> reader = threads.submit(() -> {
                int reads = 0;
                while (writing.get() || reads == 0) {
                    String read = store.read().orElseThrow();
                    int n = Integer.parseInt(read.substring(5, read.indexOf(',')));
                    assertEquals(document(n), read, "a read returned a partial or mixed document");
                    reads++;
                }
                return reads;
            });
            writer.get(60, TimeUnit.SECONDS);
            assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
        }
        finally {
            threads.shutdownNow();
        }
        assertEquals(Optional.of(document(300)), store.read());
    }

    private static String document(int n)
    {
        return "{\"n\":" + n + ",\"fill\":\"" + String.valueOf((char) ('a' + n % 26)).repeat(1000 + (n * 7919) % 200_000) + "\"}";
    }

    @Test
    void refusesAnEmptyFileAndNeverOverwritesIt()
            throws IOException
    {
        Files.createDirectories(path().getParent());
        Files.writeString(path(), "");
        StateStore store = newStore();
        FerryException e = assertThrows(FerryException.class, store::read);
        String refusal = "the state file " + path() + " is empty (0 bytes), so ferry did not write it: ferry replaces its state atomically; "
                + "ferry never overwrites it automatically: restore it from a backup, or move it away to start over";
        assertEquals(refusal, e.getMessage());
        FerryException write = assertThrows(FerryException.class, () -> store.write(FIRST));
        assertEquals("refusing to save the state: " + refusal, write.getMessage());
        assertEquals("", Files.readString(path()));
    }

    @Test
    void refusesAFileThatIsNotUtf8()
            throws IOException
    {
        Files.createDirectories(path().getParent());
        Files.write(path(), new byte[] {'{', (byte) 0xc3, '}'});
        StateStore store = newStore();
        FerryException e = assertThrows(FerryException.class, store::read);
        assertTrue(e.getMessage().startsWith("the state file " + path() + " is not UTF-8 text, so ferry did not write it; ferry never overwrites it"), e.getMessage());
        assertThrows(FerryException.class, () -> store.write(FIRST));
    }

    @Test
    void refusesAFileThatCannotBeRead()
            throws IOException
    {
        Files.createDirectories(path());
        FileStateStore store = new FileStateStore(path());
        FerryException e = assertThrows(FerryException.class, store::read);
        assertTrue(e.getMessage().startsWith("the state file " + path() + " cannot be read ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("; ferry never overwrites it automatically: restore it from a backup, or move it away to start over"), e.getMessage());
    }

    @Test
    void refusesToStartOnADirectory()
            throws IOException
    {
        Files.createDirectories(path());
        FerryException e = assertThrows(FerryException.class, () -> new FileStateStore(path()).start());
        assertEquals("state.path " + path() + " is a directory: name a file in it, e.g. " + path().resolve("state.json"), e.getMessage());
    }

    @Test
    void saysWhenItsDirectoryCannotBeCreated()
            throws IOException
    {
        Files.writeString(directory.resolve("var"), "a file where a directory should be");
        FerryException e = assertThrows(FerryException.class, () -> new FileStateStore(path()).start());
        assertEquals("cannot create the state directory " + path().getParent() + " (" + directory.resolve("var/lib") + ": Not a directory): "
                + "create it, or choose another state.path", e.getMessage());
    }

    @Test
    void describesItselfByPath()
    {
        assertEquals("file " + path(), new FileStateStore(path()).describe());
    }

    private static List<Path> files(Path directory)
            throws IOException
    {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
