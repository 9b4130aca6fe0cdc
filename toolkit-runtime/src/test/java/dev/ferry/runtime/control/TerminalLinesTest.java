package dev.ferry.runtime.control;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TerminalLinesTest
{
    private static final String ERASE = "\r\033[K";

    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final TerminalLines lines = new TerminalLines(terminal);
    private final PrintStream log = new PrintStream(lines, true, StandardCharsets.UTF_8);

    @Test
    void aLogLineErasesTheStatusLineAndTheStatusLineComesBackBelowIt()
            throws IOException
    {
        lines.status("copying | 10 rows");
        log.println("2026-12-03T06:00:00Z INFO Ferry - streaming");
        assertEquals(ERASE + "copying | 10 rows" + ERASE + "2026-12-03T06:00:00Z INFO Ferry - streaming\n" + ERASE + "copying | 10 rows", output());
    }

    @Test
    void aHalfWrittenLineIsNeverInterruptedByTheStatusLine()
            throws IOException
    {
        log.print("2026-12-03T06:00:00Z INFO ");
        lines.status("copying | 10 rows");
        log.print("Ferry - streaming\n");
        // println writes the text and the line end separately: the status line waits for the end
        assertEquals("2026-12-03T06:00:00Z INFO Ferry - streaming\n" + ERASE + "copying | 10 rows", output());
    }

    @Test
    void finishLeavesTheLastStatusAsAnOrdinaryLine()
            throws IOException
    {
        lines.status("done | 10 rows");
        lines.finish();
        log.println("after");
        assertEquals(ERASE + "done | 10 rows\nafter\n", output());
    }

    @Test
    void withoutAStatusLineLogLinesPassUnchanged()
    {
        log.println("one");
        log.println("two");
        assertEquals("one\ntwo\n", output());
    }

    private String output()
    {
        return terminal.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
