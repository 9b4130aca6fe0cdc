package dev.ferry.plugins.throttlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.PluginConfig;
import dev.ferry.runtime.config.ConfigProblem;
import dev.ferry.runtime.config.ConfigTree;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's own config binding, for a throttler section written as JSON.
 */
final class TestingConfigs
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConfigTree root;
    private final ConfigTree section;
    private final List<ConfigProblem> problems = new ArrayList<>();

    private TestingConfigs(String sectionJson)
    {
        try {
            root = ConfigTree.root(JSON.readTree("{\"throttlers\": {\"copy\": [" + sectionJson + "]}}"), problems);
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        section = (ConfigTree) root.section("throttlers").sectionList("copy").get(0);
    }

    /**
     * {@code sectionJson} as {@code throttlers.copy[0]}.
     */
    static TestingConfigs of(String sectionJson)
    {
        return new TestingConfigs(sectionJson);
    }

    PluginConfig section()
    {
        return section;
    }

    /**
     * Every problem, unknown keys included, as {@code path: message}.
     */
    List<String> problems()
    {
        root.reportUnknownKeys();
        return problems.stream().map(ConfigProblem::toString).toList();
    }
}
