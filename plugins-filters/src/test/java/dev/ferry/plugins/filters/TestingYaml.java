package dev.ferry.plugins.filters;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.testing.spi.TestingPluginConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;

/**
 * A {@code copyFilter} section written in YAML, as users write it, for the SPI test kit's config.
 */
final class TestingYaml
{
    private static final YAMLMapper YAML = new YAMLMapper();

    private TestingYaml() {}

    /**
     * @param yaml the keys of the section, e.g. {@code "shardingKey: tenant_id\nvalues: [7]"}
     */
    static TestingPluginConfig copyFilter(String yaml)
    {
        LinkedHashMap<String, Object> values;
        try {
            values = YAML.readValue(yaml, new TypeReference<LinkedHashMap<String, Object>>() {});
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestingPluginConfig.of("copyFilter", values == null ? new LinkedHashMap<>() : values);
    }
}
