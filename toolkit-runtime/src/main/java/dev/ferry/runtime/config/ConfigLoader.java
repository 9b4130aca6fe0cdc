package dev.ferry.runtime.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.ferry.config.ConfigProblem;
import dev.ferry.config.ConfigTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads a config file (JSON for {@code .json}, YAML for {@code .yaml}/{@code .yml}) into a
 * {@link ConfigTree} and binds the core sections.
 */
public final class ConfigLoader
{
    private ConfigLoader() {}

    /**
     * A parsed document with its core sections bound. {@link #problems()} is still open: plugin
     * binding adds to it.
     */
    public record Loaded(Path file, JsonNode document, ConfigTree root, FerryConfig config, List<ConfigProblem> problems)
    {
        /**
         * Reports unknown keys everywhere and throws when any problem was recorded.
         */
        public FerryConfig finish()
        {
            root.reportUnknownKeys();
            if (!problems.isEmpty()) {
                throw new ConfigException(file.toString(), problems);
            }
            return config;
        }

        /**
         * Without the document, which holds any password written in the file.
         */
        @Override
        public String toString()
        {
            return "Loaded[file=" + file + ", config=" + config + ", problems=" + problems + "]";
        }
    }

    public static Loaded load(Path file)
    {
        return load(file, System::getenv);
    }

    public static Loaded load(Path file, Function<String, String> environment)
    {
        String text;
        try {
            text = Files.readString(file);
        }
        catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "file not found")));
        }
        catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "cannot read: " + e.getMessage())));
        }
        return parse(file, text, environment);
    }

    public static Loaded parse(Path file, String text, Function<String, String> environment)
    {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper;
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            mapper = new ObjectMapper(new YAMLFactory());
        }
        else if (name.endsWith(".json")) {
            mapper = new ObjectMapper();
            mapper.enable(JsonParser.Feature.ALLOW_COMMENTS);
        }
        else {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "unknown file type: name the file *.json, *.yaml or *.yml")));
        }
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        JsonNode document;
        try {
            document = mapper.readTree(text);
        }
        catch (JsonProcessingException e) {
            String location = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", "not valid " + (name.endsWith(".json") ? "JSON" : "YAML") + location + ": " + withoutExcerpts(e.getOriginalMessage()))));
        }
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigTree root = ConfigTree.root(document, problems);
        FerryConfig config = FerryConfig.bind(root, environment).withFingerprint(document);
        return new Loaded(file, document, root, config, problems);
    }

    /**
     * Parser messages quote the offending line (YAML) or token (JSON), which may be a password:
     * keep the explanation and the positions only.
     */
    static String withoutExcerpts(String message)
    {
        String[] lines = message.split("\n");
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            boolean caret = lines[i].trim().equals("^");
            boolean excerpt = i + 1 < lines.length && lines[i + 1].trim().equals("^");
            if (caret || excerpt || lines[i].isBlank()) {
                continue;
            }
            kept.add(lines[i].trim().replaceFirst("^in '[^']*', (line \\d+, column \\d+):$", "($1)"));
        }
        return String.join(" ", kept).replaceFirst("^Unrecognized token '.*?':", "Unrecognized token:");
    }
}
