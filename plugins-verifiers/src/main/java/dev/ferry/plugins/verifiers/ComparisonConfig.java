package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.model.TableName;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The row-comparison settings the {@code inline} and {@code iterative} verifiers share.
 *
 * @param path the config section's path, for messages
 * @param batchSize rows or keys compared per query ({@code batchSize}, default 1000)
 * @param maxReportedKeys differing keys listed per table ({@code maxReportedKeys}, default 10)
 * @param maxTrackedKeys keys to re-verify remembered per table; beyond it the whole table is
 *        re-verified at cutover ({@code maxTrackedKeys}, default 200000)
 * @param ignoredColumns per table, columns left out of the comparison ({@code ignoredColumns:
 *        {db.table: [col, ...]}})
 * @param compressedColumns per table, column to algorithm ({@code compressedColumns:
 *        {db.table: {col: snappy}}}); values are decompressed before they are compared
 */
record ComparisonConfig(
        String path,
        int batchSize,
        int maxReportedKeys,
        int maxTrackedKeys,
        Map<TableName, List<String>> ignoredColumns,
        Map<TableName, Map<String, String>> compressedColumns)
{
    static final int DEFAULT_BATCH_SIZE = 1000;
    static final int DEFAULT_MAX_REPORTED_KEYS = 10;
    static final int DEFAULT_MAX_TRACKED_KEYS = 200_000;
    static final List<String> ALGORITHMS = List.of("snappy");

    ComparisonConfig
    {
        requireNonNull(path, "path is null");
        ignoredColumns = Map.copyOf(requireNonNull(ignoredColumns, "ignoredColumns is null"));
        compressedColumns = Map.copyOf(requireNonNull(compressedColumns, "compressedColumns is null"));
    }

    static ComparisonConfig defaults()
    {
        return new ComparisonConfig("verifier", DEFAULT_BATCH_SIZE, DEFAULT_MAX_REPORTED_KEYS, DEFAULT_MAX_TRACKED_KEYS, Map.of(), Map.of());
    }

    /**
     * Reads the shared keys of {@code config}; problems are recorded on it.
     */
    static ComparisonConfig bind(PluginConfig config)
    {
        int batchSize = config.integer("batchSize", DEFAULT_BATCH_SIZE, 1, 100_000);
        int maxReportedKeys = config.integer("maxReportedKeys", DEFAULT_MAX_REPORTED_KEYS, 0, 100_000);
        int maxTrackedKeys = config.integer("maxTrackedKeys", DEFAULT_MAX_TRACKED_KEYS, 1, 100_000_000);

        Map<TableName, List<String>> ignored = new LinkedHashMap<>();
        if (config.has("ignoredColumns")) {
            PluginConfig section = config.section("ignoredColumns");
            for (String key : section.keys()) {
                List<String> columns = section.stringList(key);
                TableName table = table(section, key);
                if (table != null) {
                    ignored.put(table, List.copyOf(columns));
                }
            }
        }

        Map<TableName, Map<String, String>> compressed = new LinkedHashMap<>();
        if (config.has("compressedColumns")) {
            PluginConfig section = config.section("compressedColumns");
            for (String key : section.keys()) {
                PluginConfig columns = section.section(key);
                TableName table = table(section, key);
                Map<String, String> algorithms = new LinkedHashMap<>();
                for (String column : columns.keys()) {
                    String algorithm = columns.string(column, "");
                    String normalized = algorithm.toLowerCase(Locale.ROOT);
                    if (!ALGORITHMS.contains(normalized)) {
                        columns.problem(column, "unknown compression algorithm \"" + algorithm + "\"; supported: " + String.join(", ", ALGORITHMS));
                        continue;
                    }
                    algorithms.put(column, normalized);
                }
                if (table != null) {
                    compressed.put(table, Map.copyOf(algorithms));
                }
            }
        }
        return new ComparisonConfig(config.path(), batchSize, maxReportedKeys, maxTrackedKeys, ignored, compressed);
    }

    private static TableName table(PluginConfig section, String key)
    {
        try {
            return TableName.parse(key);
        }
        catch (IllegalArgumentException e) {
            section.problem(key, "expected a table name written database.table (got \"" + key + "\")");
            return null;
        }
    }
}
