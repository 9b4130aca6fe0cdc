package dev.ferry.plugins.state;

import dev.ferry.api.state.StateStore;
import dev.ferry.api.state.StateStoreFactory;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateStoreFactoriesTest
{
    private static final List<String> FACTORIES = List.of(
            StdoutStateStoreFactory.class.getName(),
            FileStateStoreFactory.class.getName(),
            TargetDbStateStoreFactory.class.getName());

    @Test
    void registersEveryFactoryForModulesAndTheClassPath()
            throws IOException
    {
        try (InputStream services = StateStoreFactoriesTest.class.getResourceAsStream("/META-INF/services/" + StateStoreFactory.class.getName())) {
            assertEquals(FACTORIES, new String(services.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
        Module module = StdoutStateStoreFactory.class.getModule();
        if (module.isNamed()) {
            List<String> provided = module.getDescriptor().provides().stream()
                    .filter(provides -> provides.service().equals(StateStoreFactory.class.getName()))
                    .flatMap(provides -> provides.providers().stream())
                    .toList();
            assertEquals(FACTORIES, provided);
        }
        assertEquals(List.of("stdout", "file", "target-db"),
                List.of(new StdoutStateStoreFactory().name(), new FileStateStoreFactory().name(), new TargetDbStateStoreFactory().name()));
    }

    @Test
    void fileDefaultsReportTheMissingPath()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of());
        new FileStateStoreFactory().create(config, withoutDatabases());
        assertEquals(List.of("state.path: is required"), config.problems());
    }

    @Test
    void fileBindsAnAbsolutePath()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of("path", "/var/lib/ferry/../ferry/state.json"));
        assertEquals(new FileStateConfig(Path.of("/var/lib/ferry/state.json")), FileStateConfig.bind(config));
        StateStore store = new FileStateStoreFactory().create(config, withoutDatabases());
        assertEquals("file /var/lib/ferry/state.json", store.describe());
        assertEquals(List.of(), config.problems());
        assertEquals(List.of(), config.unreadKeys());
    }

    @Test
    void fileResolvesARelativePathAgainstTheWorkingDirectory()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of("path", "state.json"));
        assertEquals(new FileStateConfig(Path.of("state.json").toAbsolutePath()), FileStateConfig.bind(config));
    }

    @Test
    void fileRefusesAPathThatNamesNoFile()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of("path", "/var/lib/ferry/"));
        FileStateConfig.bind(config);
        assertEquals(List.of("state.path: must name a file, e.g. /var/lib/ferry/state.json (got \"/var/lib/ferry/\")"), config.problems());
    }

    @Test
    void stdoutDefaultsToANewRun()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of());
        assertEquals(new StdoutStateConfig(Optional.empty()), StdoutStateConfig.bind(config));
        assertEquals("stdout", new StdoutStateStoreFactory().create(config, withoutDatabases()).describe());
        assertEquals(List.of(), config.problems());
    }

    @Test
    void stdoutBindsResumeFrom()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of("resumeFrom", "/tmp/captured.json"));
        assertEquals(new StdoutStateConfig(Optional.of(Path.of("/tmp/captured.json"))), StdoutStateConfig.bind(config));
        assertEquals(List.of(), config.unreadKeys());
        TestingPluginConfig blank = TestingPluginConfig.of("state", Map.of("resumeFrom", " "));
        StdoutStateConfig.bind(blank);
        assertEquals(List.of("state.resumeFrom: must name the file holding the state a previous run printed, or be left out to start a new run"),
                blank.problems());
    }

    @Test
    void targetDbDefaultsAndNeedsNoDatabaseToBeCreated()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of("database", "ferry_meta"));
        assertEquals(new TargetDbStateConfig("ferry_meta", "ferry_state", false), TargetDbStateConfig.bind(config));
        assertEquals(List.of(), config.problems());
        StateStore store = new TargetDbStateStoreFactory().create(TestingPluginConfig.of("state", Map.of("database", "ferry_meta")), withoutDatabases());
        assertFalse(store.writesPositionWithBatches());
        assertEquals("table `ferry_meta`.`ferry_state` on the target (run_id 1)", store.describe());
    }

    @Test
    void targetDbBindsEveryKey()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of("database", "meta", "table", "run`state", "writePositionWithBatches", true));
        assertEquals(new TargetDbStateConfig("meta", "run`state", true), TargetDbStateConfig.bind(config));
        assertEquals(List.of(), config.problems());
        assertEquals(List.of(), config.unreadKeys());
        StateStore store = new TargetDbStateStoreFactory().create(config, withoutDatabases());
        assertTrue(store.writesPositionWithBatches());
        assertEquals("table `meta`.`run``state` on the target (run_id 1)", store.describe());
    }

    @Test
    void targetDbReportsEveryProblemAtOnce()
    {
        TestingPluginConfig config = TestingPluginConfig.of("state", Map.of("table", "t".repeat(65), "writePositionWithBatches", "yes"));
        new TargetDbStateStoreFactory().create(config, withoutDatabases());
        assertEquals(List.of(
                        "state.database: is required",
                        "state.table: must be a MySQL identifier of 1 to 64 characters, not ending in a space (got \"" + "t".repeat(65) + "\")",
                        "state.writePositionWithBatches: must be true or false (got \"yes\")"),
                config.problems());
    }

    /**
     * No databases, as during validation; run id 1.
     */
    private static TestingPluginContext withoutDatabases()
    {
        return TestingPluginContext.builder().runId(1).build();
    }
}
