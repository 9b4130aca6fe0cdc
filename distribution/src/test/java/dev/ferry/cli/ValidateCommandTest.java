package dev.ferry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidateCommandTest
{
    private static final String PASSWORD = "s3cr3t-Pa55word";
    private static final Map<String, String> ENVIRONMENT = Map.of("FERRY_TEST_TARGET_PASSWORD", "t4rget-Pa55word");

    private static final String GOOD_YAML = """
            source:
              host: old.example
              user: ferry
              password: "s3cr3t-Pa55word"
            target:
              host: new.example
              port: 3307
              user: ferry
              passwordEnv: FERRY_TEST_TARGET_PASSWORD
            tableFilter:
              type: names
              databases: [shop]
            copy:
              batchSize: 500
            verifier:
              type: none
            """;

    private static final String GOOD_JSON = """
            {
              "source": {"host": "old.example", "user": "ferry", "password": "s3cr3t-Pa55word"},
              "target": {"host": "new.example", "port": 3307, "user": "ferry", "passwordEnv": "FERRY_TEST_TARGET_PASSWORD"},
              "tableFilter": {"type": "names", "databases": ["shop"]},
              "copy": {"batchSize": 500},
              "verifier": {"type": "none"}
            }
            """;

    // Four problems: a missing key, a value out of range, an unknown key, an unknown plugin.
    private static final String BAD_YAML = """
            source:
              user: ferry
              password: "s3cr3t-Pa55word"
            target:
              host: new.example
              user: ferry
              passwordEnv: FERRY_TEST_TARGET_PASSWORD
            tableFilter:
              type: names
              databases: [shop]
            copy:
              batchSize: 0
              bogus: 1
            verifier:
              type: inlne
            """;

    private static final String BAD_JSON = """
            {
              "source": {"user": "ferry", "password": "s3cr3t-Pa55word"},
              "target": {"host": "new.example", "user": "ferry", "passwordEnv": "FERRY_TEST_TARGET_PASSWORD"},
              "tableFilter": {"type": "names", "databases": ["shop"]},
              "copy": {"batchSize": 0, "bogus": 1},
              "verifier": {"type": "inlne"}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void goodYamlConfig()
            throws IOException
    {
        assertGood(write("ferry.yaml", GOOD_YAML));
    }

    @Test
    void goodJsonConfig()
            throws IOException
    {
        assertGood(write("ferry.json", GOOD_JSON));
    }

    @Test
    void badYamlConfigListsEveryProblem()
            throws IOException
    {
        assertBad(write("ferry.yaml", BAD_YAML));
    }

    @Test
    void badJsonConfigListsEveryProblem()
            throws IOException
    {
        assertBad(write("ferry.json", BAD_JSON));
    }

    @Test
    void unsetPasswordVariableIsAProblem()
            throws IOException
    {
        Path config = write("ferry.yaml", GOOD_YAML);
        CliRun run = CliRun.run(Map.of(), "validate", "--config", config.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(List.of(
                        config + " has 1 problem:",
                        "  - target.passwordEnv: environment variable FERRY_TEST_TARGET_PASSWORD is not set"),
                run.err().lines().toList(), run.toString());
        assertNoSecret(run);
    }

    @Test
    void passwordPastedIntoAnotherKeyIsMasked()
            throws IOException
    {
        Path config = write("ferry.yaml", GOOD_YAML.replace("  user: ferry\n  password:", "  user: ferry\n  tls: {mode: \"s3cr3t-Pa55word\"}\n  password:"));
        CliRun run = CliRun.run(ENVIRONMENT, "validate", "--config", config.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("  - source.tls.mode: must be one of disabled, preferred, required, verify-ca, verify-identity (got \"****\")"), run.toString());
        assertNoSecret(run);
    }

    @Test
    void missingFile()
    {
        Path config = dir.resolve("absent.yaml");
        CliRun run = CliRun.run(ENVIRONMENT, "validate", "--config", config.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(List.of(config + " has 1 problem:", "  - file not found"), run.err().lines().toList());
    }

    @Test
    void configOptionIsRequired()
    {
        CliRun run = CliRun.run(ENVIRONMENT, "validate");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("ferry: Missing required option: '--config=FILE'"), run.toString());
        assertTrue(run.err().contains("Try 'ferry validate --help' for more information."), run.toString());
    }

    private void assertGood(Path config)
    {
        CliRun run = CliRun.run(ENVIRONMENT, "validate", "--config", config.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.toString());
        assertEquals("config OK", lines.get(0));
        assertTrue(lines.get(1).startsWith("source ferry@old.example:3306 -> target ferry@new.example:3307; tableFilter names; verifier none;"), run.toString());
        assertNoSecret(run);
    }

    private void assertBad(Path config)
    {
        CliRun run = CliRun.run(ENVIRONMENT, "validate", "--config", config.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("", run.out(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertEquals(config + " has 4 problems:", lines.get(0), run.toString());
        assertEquals(5, lines.size(), run.toString());
        assertTrue(lines.contains("  - source.host: is required"), run.toString());
        assertTrue(lines.contains("  - copy.batchSize: must be between 1 and 100000 (got 0)"), run.toString());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("  - copy.bogus: unknown key; known keys here: ") && line.contains("batchSize")), run.toString());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("  - verifier.type: unknown verifier \"inlne\" (verifier.type); available: ") && line.contains("none")),
                run.toString());
        assertNoSecret(run);
    }

    private static void assertNoSecret(CliRun run)
    {
        assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), run.toString());
        assertFalse(run.out().contains("t4rget-Pa55word") || run.err().contains("t4rget-Pa55word"), run.toString());
    }

    private Path write(String name, String text)
            throws IOException
    {
        return Files.writeString(dir.resolve(name), text);
    }
}
