package dev.ferry.plugins.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.api.PluginConfig;
import dev.ferry.runtime.config.ConfigProblem;
import dev.ferry.runtime.config.ConfigTree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code copyFilter} section written in YAML, bound by the runtime's own config tree so that
 * problems and unknown keys read exactly as users see them.
 */
final class TestingConfig
{
    private final ConfigTree root;
    private final List<ConfigProblem> problems;
    private final PluginConfig section;

    private TestingConfig(ConfigTree root, List<ConfigProblem> problems)
    {
        this.root = root;
        this.problems = problems;
        this.section = root.section("copyFilter");
    }

    /**
     * @param yaml the keys of the section, e.g. {@code "shardingKey: tenant_id\nvalues: [7]"}
     */
    static TestingConfig of(String yaml)
    {
        JsonNode node;
        try {
            node = new YAMLMapper().readTree("copyFilter:\n" + yaml.indent(2));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ConfigProblem> problems = new ArrayList<>();
        return new TestingConfig(ConfigTree.root(node, problems), problems);
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
        List<String> result = new ArrayList<>();
        for (ConfigProblem problem : problems) {
            result.add(problem.toString());
        }
        return result;
    }
}
