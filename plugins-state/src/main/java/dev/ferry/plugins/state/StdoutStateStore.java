package dev.ferry.plugins.state;

import dev.ferry.api.FerryException;
import dev.ferry.api.state.StateStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the latest document in memory and prints it on {@link #close()} as one line of compact
 * JSON, with nothing before it, so that a wrapper can capture the state from standard output and
 * hand it back through {@code resumeFrom}. The store compacts the document itself (whitespace
 * outside strings is dropped), so the runtime may pass its readable multi-line form.
 *
 * <p>Thread-safe.
 */
final class StdoutStateStore
        implements StateStore
{
    private final Optional<Path> resumeFrom;
    private final Supplier<PrintStream> out;
    private String latest;
    private boolean closed;

    StdoutStateStore(Optional<Path> resumeFrom, Supplier<PrintStream> out)
    {
        this.resumeFrom = requireNonNull(resumeFrom, "resumeFrom is null");
        this.out = requireNonNull(out, "out is null");
    }

    /**
     * The state in the {@code resumeFrom} file (surrounding whitespace removed), or empty when
     * none is configured.
     */
    @Override
    public Optional<String> read()
    {
        if (resumeFrom.isEmpty()) {
            return Optional.empty();
        }
        Path file = resumeFrom.get();
        String document;
        try {
            document = Files.readString(file);
        }
        catch (NoSuchFileException e) {
            throw new FerryException("the state to resume from (state.resumeFrom) " + file + " does not exist: give the file holding "
                    + "the line a previous run printed, or leave resumeFrom out to start a new run", e);
        }
        catch (CharacterCodingException e) {
            throw new FerryException("the state to resume from (state.resumeFrom) " + file + " is not UTF-8 text, so ferry did not print it: "
                    + "give the file holding the line a previous run printed, or leave resumeFrom out to start a new run", e);
        }
        catch (IOException e) {
            throw new FerryException("the state to resume from (state.resumeFrom) " + file + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (document.isBlank()) {
            throw new FerryException("the state to resume from (state.resumeFrom) " + file + " is empty: the run that should have printed "
                    + "it printed nothing (it was killed before it ended?); leave resumeFrom out to start a new run");
        }
        return Optional.of(document.strip());
    }

    @Override
    public synchronized void write(String document)
    {
        requireNonNull(document, "document is null");
        if (closed) {
            throw new IllegalStateException("the stdout state store is closed; its state was already printed");
        }
        latest = document;
    }

    @Override
    public String describe()
    {
        return "stdout" + resumeFrom.map(file -> " (resumed from file " + file + ")").orElse("");
    }

    @Override
    public String toString()
    {
        return describe();
    }

    /**
     * Prints the latest document, if any, once.
     */
    @Override
    public synchronized void close()
    {
        if (closed) {
            return;
        }
        closed = true;
        if (latest != null) {
            PrintStream stream = out.get();
            stream.print(compact(latest) + "\n");
            stream.flush();
        }
    }

    /**
     * Drops whitespace outside strings, and escapes line breaks inside them (which valid JSON
     * never holds raw), so the result is one line.
     */
    static String compact(String json)
    {
        StringBuilder result = new StringBuilder(json.length());
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\n' || c == '\r') {
                    result.append(escaped ? "" : "\\").append(c == '\n' ? 'n' : 'r');
                    escaped = false;
                    continue;
                }
                if (escaped) {
                    escaped = false;
                }
                else if (c == '\\') {
                    escaped = true;
                }
                else if (c == '"') {
                    inString = false;
                }
                result.append(c);
            }
            else if (c == '"') {
                inString = true;
                result.append(c);
            }
            else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                result.append(c);
            }
        }
        return result.toString();
    }
}
