package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.runtime.Ferry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleProgressTest
{
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final List<String> logged = new ArrayList<>();

    private ConsoleProgress console(Ferry ferry, boolean interactive, int width)
    {
        return new ConsoleProgress(ferry, interactive, new PrintStream(terminal, true, StandardCharsets.UTF_8), logged::add, width);
    }

    private static final String ERASE = "\r\033[K";

    @Test
    void onATerminalRewritesOneLine()
    {
        try (Ferry ferry = ControlTesting.offline("", plugins -> plugins)) {
            ConsoleProgress console = console(ferry, true, 200);
            console.tick();
            console.tick();
            String line = "starting | 0 of ~0 rows (0.0%) | 0.0 rows/s | ETA - | tables 0 of 0 done";
            assertEquals(ERASE + line + ERASE + line, terminal.toString(StandardCharsets.UTF_8));
            assertEquals(List.of(), logged);
        }
    }

    @Test
    void onATerminalMessagesGoAboveTheStatusLine()
    {
        try (Ferry ferry = ControlTesting.offline("", plugins -> plugins)) {
            ConsoleProgress console = console(ferry, true, 200);
            console.tick();
            console.println(new PrintWriter(new StringWriter()), "ferry: SIGTERM received");
            String line = "starting | 0 of ~0 rows (0.0%) | 0.0 rows/s | ETA - | tables 0 of 0 done";
            assertEquals(ERASE + line + ERASE + "ferry: SIGTERM received" + System.lineSeparator() + ERASE + line,
                    terminal.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutATerminalMessagesGoToTheCommandsErrorStream()
    {
        try (Ferry ferry = ControlTesting.offline("", plugins -> plugins)) {
            StringWriter elsewhere = new StringWriter();
            console(ferry, false, 200).println(new PrintWriter(elsewhere), "ferry: SIGTERM received");
            assertEquals("ferry: SIGTERM received" + System.lineSeparator(), elsewhere.toString());
            assertEquals(0, terminal.size());
        }
    }

    @Test
    void onATerminalCutsLinesToItsWidth()
    {
        try (Ferry ferry = ControlTesting.offline("", plugins -> plugins)) {
            console(ferry, true, 40).tick();
            assertEquals(ERASE + "starting | 0 of ~0 rows (0.0%) | 0.0...", terminal.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutATerminalLogsTextLines()
    {
        try (Ferry ferry = ControlTesting.offline("", plugins -> plugins)) {
            console(ferry, false, 200).tick();
            assertEquals(List.of("starting | 0 of ~0 rows (0.0%) | 0.0 rows/s | ETA - | tables 0 of 0 done"), logged);
            assertEquals(0, terminal.size());
        }
    }

    @Test
    void jsonLogsAreJsonLinesOnStderrEvenOnATerminal()
            throws Exception
    {
        try (Ferry ferry = ControlTesting.offline("progress:\n  jsonLogs: true\n", plugins -> plugins)) {
            console(ferry, true, 200).tick();
            String output = terminal.toString(StandardCharsets.UTF_8);
            assertTrue(output.endsWith("\n") && output.indexOf('\n') == output.length() - 1 && !output.contains("\r"), output);
            JsonNode line = new ObjectMapper().readTree(output);
            assertEquals("progress", line.get("event").asText());
            assertEquals("starting", line.get("phase").asText());
            assertEquals(0, line.get("rowsCopied").asLong());
            assertEquals("INIT", line.get("applierState").asText());
            assertTrue(line.get("etaSeconds").isNull());
            assertEquals(List.of(), logged);
        }
    }

    @Test
    void linesOfAStreamingRunShowTheApplierLag()
            throws Exception
    {
        FerryStatus status = PrometheusTextTest.status(List.of(), 2.25);
        assertTrue(ConsoleProgress.textLine(status).contains(" | applier WAITING for " + Display.seconds(1.25) + ", lag " + Display.seconds(2.25)
                + ", 12 events behind, at bin.000003:4242"), ConsoleProgress.textLine(status));
        JsonNode line = new ObjectMapper().readTree(ConsoleProgress.jsonLine(status));
        assertEquals(2.3, line.get("applierLagSeconds").asDouble(), line.toString());
        assertEquals(12, line.get("backlogEvents").asInt(), line.toString());
        assertEquals(3400, line.get("backlogBytes").asInt(), line.toString());

        FerryStatus unknown = PrometheusTextTest.status(List.of(), null);
        assertTrue(ConsoleProgress.textLine(unknown).contains(" | applier WAITING for " + Display.seconds(1.25) + ", 12 events behind"), ConsoleProgress.textLine(unknown));
        assertTrue(new ObjectMapper().readTree(ConsoleProgress.jsonLine(unknown)).get("applierLagSeconds").isNull());
    }
}
