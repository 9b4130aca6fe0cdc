package dev.ferry.runtime.control;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * A terminal's standard error shared by log lines and one status line kept under them. Before
 * anything else is written the status line is erased ({@code \r} and "erase to end of line"),
 * and once what was written ends a line, the status line is drawn again below it; so a log line
 * never shares a line with the progress. Thread safe: every write holds the stream's lock.
 */
final class TerminalLines
        extends OutputStream
{
    private static final byte[] ERASE = "\r\033[K".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream terminal;
    private byte[] status = new byte[0];
    private boolean statusShown;
    private boolean atLineStart = true;

    TerminalLines(OutputStream terminal)
    {
        this.terminal = requireNonNull(terminal, "terminal is null");
    }

    /**
     * Replaces the status line; it is drawn now if no other line is half written, else once that line ends.
     */
    synchronized void status(String line)
            throws IOException
    {
        status = line.getBytes(StandardCharsets.UTF_8);
        if (atLineStart) {
            draw();
            terminal.flush();
        }
    }

    /**
     * Leaves the status line where it is, as an ordinary line, and stops drawing one.
     */
    synchronized void finish()
            throws IOException
    {
        if (statusShown) {
            terminal.write('\n');
            statusShown = false;
        }
        status = new byte[0];
        terminal.flush();
    }

    @Override
    public synchronized void write(int b)
            throws IOException
    {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length)
            throws IOException
    {
        if (length == 0) {
            return;
        }
        if (statusShown) {
            terminal.write(ERASE);
            statusShown = false;
        }
        terminal.write(bytes, offset, length);
        atLineStart = bytes[offset + length - 1] == '\n';
        if (atLineStart) {
            draw();
        }
        terminal.flush();
    }

    @Override
    public synchronized void flush()
            throws IOException
    {
        terminal.flush();
    }

    private void draw()
            throws IOException
    {
        if (status.length == 0) {
            return;
        }
        terminal.write(ERASE);
        terminal.write(status);
        statusShown = true;
    }
}
