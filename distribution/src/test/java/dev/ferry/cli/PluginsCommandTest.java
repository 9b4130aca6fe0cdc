package dev.ferry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginsCommandTest
{
    @TempDir
    Path dir;

    @Test
    void listsTheBuiltIns()
    {
        CliRun run = CliRun.run(Map.of(), "plugins");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err(), run.toString());
        assertTrue(run.out().startsWith("KIND"), run.toString());
        assertTrue(run.out().lines().anyMatch(line -> line.matches("table-filter\\s+names\\s+.*plugins-filters.*include/exclude databases.*")), run.toString());
        assertTrue(run.out().lines().anyMatch(line -> line.matches("verifier\\s+none\\s+.*plugins-verifiers.*no verification")), run.toString());
    }

    @Test
    void emptyPluginDirectoryIsFine()
    {
        CliRun run = CliRun.run(Map.of(), "plugins", "--plugin-dir", dir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err(), run.toString());
    }

    @Test
    void missingPluginDirectoryIsAUsageError()
    {
        Path missing = dir.resolve("nope");
        CliRun run = CliRun.run(Map.of(), "plugins", "--plugin-dir", missing.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("ferry: --plugin-dir " + missing + " is not a directory\nTry 'ferry plugins --help' for more information.\n", run.err());
    }

    @Test
    void jarNotLoadableIsReportedByNameAndTheRestStillWorks()
            throws IOException
    {
        Files.writeString(dir.resolve("not-a-jar.jar"), "this is not a zip file");
        CliRun run = CliRun.run(Map.of(), "plugins", "--plugin-dir", dir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("ferry: 1 plugin jar was left out:\n  - not-a-jar.jar: "), run.toString());
        assertTrue(run.out().lines().anyMatch(line -> line.matches("table-filter\\s+names\\s+.*")), run.toString());
    }

    @Test
    void filesInsideTheHomeAreShownRelativeToIt()
            throws IOException
    {
        Path jar = Files.createDirectories(dir.resolve("lib")).resolve("x.jar");
        Files.writeString(jar, "");
        CliEnvironment environment = new CliEnvironment(Optional.of(dir), name -> null);
        assertEquals(Path.of("lib", "x.jar").toString(), environment.display(jar.toString()));
        assertEquals("/elsewhere/y.jar", environment.display("/elsewhere/y.jar"));
        assertEquals("/elsewhere/y.jar", new CliEnvironment(Optional.empty(), name -> null).display("/elsewhere/y.jar"));
        assertEquals(Optional.of(dir.resolve("plugins")), environment.homePluginDirectory());
    }
}
