package dev.ferry.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest
{
    @Test
    void noCommandIsAUsageError()
    {
        CliRun run = CliRun.run(Map.of(), new String[0]);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("ferry: missing command\nUsage: ferry"), run.toString());
    }

    @Test
    void unknownCommandIsAUsageError()
    {
        CliRun run = CliRun.run(Map.of(), "copdb");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Try 'ferry --help' for more information."), run.toString());
    }

    @Test
    void helpListsCommandsAndExitCodes()
    {
        CliRun run = CliRun.run(Map.of(), "--help");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("  plugins "), run.toString());
        assertTrue(run.out().contains("  validate "), run.toString());
        assertTrue(run.out().contains("  plan "), run.toString());
        assertTrue(run.out().contains("  2   bad usage or config"), run.toString());
    }

    @Test
    void versionIsTheBuiltVersion()
    {
        CliRun run = CliRun.run(Map.of(), "--version");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("ferry " + Main.version() + "\njava "), run.toString());
        assertTrue(Main.version().matches("\\d+\\.\\d+\\.\\d+.*"), Main.version());
    }
}
