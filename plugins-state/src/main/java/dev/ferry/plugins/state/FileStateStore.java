package dev.ferry.plugins.state;

import dev.ferry.api.FerryException;
import dev.ferry.api.state.StateStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the state document in a file. A save writes a temporary file next to it, forces it to
 * disk, renames it over the state file atomically and forces the directory, so after a crash the
 * file holds the previous or the new document, whole. A file that exists but cannot be read is
 * never overwritten: every write after such a read fails.
 *
 * <p>Thread-safe: writes are serialized, and a read concurrent with a write sees one whole document.
 */
final class FileStateStore
        implements StateStore
{
    /**
     * The atomic replacement of the state file; tests substitute one that fails.
     */
    interface Replacer
    {
        void replace(Path source, Path target)
                throws IOException;
    }

    private final Path path;
    private final Path directory;
    private final Replacer replacer;
    private volatile String refusal;

    FileStateStore(Path path)
    {
        this(path, (source, target) -> Files.move(source, target, StandardCopyOption.ATOMIC_MOVE));
    }

    FileStateStore(Path path, Replacer replacer)
    {
        this.path = requireNonNull(path, "path is null").toAbsolutePath();
        this.directory = requireNonNull(this.path.getParent(), "path has no directory");
        this.replacer = requireNonNull(replacer, "replacer is null");
    }

    @Override
    public void start()
    {
        if (Files.isDirectory(path)) {
            throw new FerryException("state.path " + path + " is a directory: name a file in it, e.g. " + path.resolve("state.json"));
        }
        try {
            Files.createDirectories(directory);
        }
        catch (FileAlreadyExistsException e) {
            throw new FerryException("cannot create the state directory " + directory + ": " + e.getFile() + " exists and is not a directory; "
                    + "choose another state.path", e);
        }
        catch (IOException e) {
            throw new FerryException("cannot create the state directory " + directory + " (" + reason(e) + "): create it, "
                    + "or choose another state.path", e);
        }
        if (!Files.isWritable(directory)) {
            throw new FerryException("the state directory " + directory + " is not writable by this user: make it writable, "
                    + "or choose another state.path");
        }
    }

    @Override
    public Optional<String> read()
    {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        }
        catch (NoSuchFileException e) {
            return Optional.empty();
        }
        catch (IOException e) {
            throw refuse("cannot be read (" + reason(e) + ")", e);
        }
        String document;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            document = chars.toString();
        }
        catch (CharacterCodingException e) {
            throw refuse("is not UTF-8 text, so ferry did not write it", e);
        }
        if (document.isBlank()) {
            throw refuse("is empty (" + bytes.length + " bytes), so ferry did not write it: ferry replaces its state atomically", null);
        }
        return Optional.of(document);
    }

    @Override
    public synchronized void write(String document)
    {
        requireNonNull(document, "document is null");
        String refused = refusal;
        if (refused != null) {
            throw new FerryException("refusing to save the state: " + refused);
        }
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "." + path.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(document.getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            replacer.replace(temporary, path);
            temporary = null;
        }
        catch (IOException e) {
            throw new FerryException("could not save the state to " + path + " (" + reason(e) + "); the previous state in that file is intact", e);
        }
        finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                }
                catch (IOException ignored) {
                    // the save already failed; a stray temporary file is harmless
                }
            }
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
        catch (IOException e) {
            throw new FerryException("saved the state to " + path + " but could not flush its directory " + directory + " (" + reason(e)
                    + "): after a power loss the file may hold the previous state", e);
        }
    }

    @Override
    public String describe()
    {
        return "file " + path;
    }

    @Override
    public String toString()
    {
        return describe();
    }

    private FerryException refuse(String problem, Throwable cause)
    {
        String message = "the state file " + path + " " + problem + "; ferry never overwrites it automatically: "
                + "restore it from a backup, or move it away to start over";
        refusal = message;
        return new FerryException(message, cause);
    }

    private static String reason(IOException e)
    {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + ((NoSuchFileException) e).getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
