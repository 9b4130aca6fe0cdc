package dev.ferry.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertTrue(run.out().contains("  1     runtime failure, e.g. a lost connection: retry the same command line"), run.toString());
        assertTrue(run.out().contains("  2     bad usage or config: do not retry"), run.toString());
        assertTrue(run.out().contains("  3     the saved state or the schemas need an operator"), run.toString());
        assertTrue(run.out().contains("  4     verification found differences: do not retry"), run.toString());
    }

    @Test
    void versionIsTheBuiltVersion()
    {
        CliRun run = CliRun.run(Map.of(), "--version");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("ferry " + Main.version() + "\njava "), run.toString());
        assertTrue(Main.version().matches("\\d+\\.\\d+\\.\\d+.*"), Main.version());
    }

    @Test
    void completionIsAnInstallationStepNotACommandOfTheHelp()
    {
        CliRun run = CliRun.run(Map.of(), "--help");
        assertFalse(run.out().contains("generate-completion"), run.toString());
    }

    @Test
    void completionScriptCompletesCommandsAndTheirOptionsInBash(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException, InterruptedException
    {
        CliRun run = CliRun.run(Map.of(), "generate-completion");
        assertEquals(0, run.exitCode(), run.toString());
        Path script = dir.resolve("ferry.bash");
        Files.writeString(script, run.out());

        assertEquals("copydb", complete(script, "ferry", "co"));
        assertEquals("state", complete(script, "ferry", "st"));
        assertEquals("--config", complete(script, "ferry", "copydb", "--co"));
        assertEquals("--resume", complete(script, "ferry", "copydb", "--re"));
        assertEquals("show", complete(script, "ferry", "state", "sh"));
        // hidden from completion as from the help
        assertEquals("", complete(script, "ferry", "gen"));
    }

    /**
     * What bash offers for the last word, the way it calls the completion function on TAB.
     */
    private static String complete(Path script, String... words)
            throws IOException, InterruptedException
    {
        String line = String.join(" ", words);
        // compopt only works inside a completion bash itself started: a no-op stands in for it
        String program = "compopt() { :; }; source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; "
                + "_complete_ferry; printf '%s' \"${COMPREPLY[*]}\"";
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", program, "bash", script.toString()));
        command.addAll(List.of(words));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), line + ": " + output);
        return output.strip();
    }
}
