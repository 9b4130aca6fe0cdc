package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;
import dev.ferry.config.ConfigTree;
import dev.ferry.api.model.TableName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code copy}: the bulk row copy.
 */
public record CopyConfig(
        int batchSize,
        int concurrency,
        long rangeSize,
        boolean createTargetTables,
        List<TableName> tableCreationOrder,
        boolean disableForeignKeyChecks,
        boolean descending,
        LockStrategy lockStrategy,
        List<TableName> fullCopyTables,
        Map<TableName, List<String>> paginationColumns,
        String fallbackColumn,
        int readRetries,
        int writeRetries,
        Duration retryBackoff,
        boolean delayUntilReplicationStops,
        boolean failOnFirstTableCopyError,
        WriteMethod writeMethod,
        Adaptive adaptive)
{
    /**
     * How the copy sizes its batches while it runs.
     *
     * @param enabled {@code copy.adaptive}: whether the batch size follows {@code targetBatchTime}
     *        (from {@code copy.batchSize} as the first size); {@code false} keeps {@code copy.batchSize}.
     *        The default is on unless the config sets {@code copy.batchSize}
     * @param targetBatchTime {@code copy.targetBatchTime}: how long one batch (read, write, commit) should take
     * @param maxBatchSize {@code copy.maxBatchSize}: the most rows an adapted batch may have
     * @param maxBatchBytes {@code copy.maxBatchBytes}: the most bytes of column data one batch may carry,
     *        whatever its row count (also when not adaptive, and under a tuned batch size), further
     *        bounded by the target's {@code max_allowed_packet}
     */
    public record Adaptive(boolean enabled, Duration targetBatchTime, int maxBatchSize, long maxBatchBytes)
    {
        public static final Adaptive DEFAULT = new Adaptive(true, Duration.ofMillis(250), 50_000, 8L << 20);

        public Adaptive
        {
            requireNonNull(targetBatchTime, "targetBatchTime is null");
        }
    }

    /**
     * The config without the adaptive settings: their defaults.
     */
    public CopyConfig(int batchSize, int concurrency, long rangeSize, boolean createTargetTables, List<TableName> tableCreationOrder,
            boolean disableForeignKeyChecks, boolean descending, LockStrategy lockStrategy, List<TableName> fullCopyTables,
            Map<TableName, List<String>> paginationColumns, String fallbackColumn, int readRetries, int writeRetries, Duration retryBackoff,
            boolean delayUntilReplicationStops, boolean failOnFirstTableCopyError, WriteMethod writeMethod)
    {
        this(batchSize, concurrency, rangeSize, createTargetTables, tableCreationOrder, disableForeignKeyChecks, descending, lockStrategy,
                fullCopyTables, paginationColumns, fallbackColumn, readRetries, writeRetries, retryBackoff, delayUntilReplicationStops,
                failOnFirstTableCopyError, writeMethod, new Adaptive(Adaptive.DEFAULT.enabled(), Adaptive.DEFAULT.targetBatchTime(),
                        Math.max(Adaptive.DEFAULT.maxBatchSize(), batchSize), Adaptive.DEFAULT.maxBatchBytes()));
    }

    /**
     * How copied rows are written to the target.
     */
    public enum WriteMethod
            implements ConfigValue
    {
        /** {@code load-data} when the target allows {@code LOAD DATA LOCAL}, otherwise {@code insert}. */
        AUTO("auto"),
        /** {@code LOAD DATA LOCAL INFILE ... IGNORE} from memory; needs {@code local_infile=ON} on the target. */
        LOAD_DATA("load-data"),
        /** Multi-row {@code INSERT IGNORE}, server-side prepared. */
        INSERT("insert");

        private final String configName;

        WriteMethod(String configName)
        {
            this.configName = configName;
        }

        @Override
        public String configName()
        {
            return configName;
        }
    }

    /**
     * How the copy and the binlog applier are kept from racing; see {@code docs/consistency.md}.
     */
    public enum LockStrategy
            implements ConfigValue
    {
        /** Rows are read with a locking read inside the copy transaction, held until written. */
        SOURCE_DB("source-db"),
        /** A per-table lock inside ferry, shared with the applier; works on read-only replicas. */
        IN_FERRY("in-ferry"),
        /** No locking: only safe when nothing writes to the copied rows during the copy. */
        NONE("none");

        private final String configName;

        LockStrategy(String configName)
        {
            this.configName = configName;
        }

        @Override
        public String configName()
        {
            return configName;
        }
    }

    public CopyConfig
    {
        tableCreationOrder = List.copyOf(requireNonNull(tableCreationOrder, "tableCreationOrder is null"));
        requireNonNull(lockStrategy, "lockStrategy is null");
        fullCopyTables = List.copyOf(requireNonNull(fullCopyTables, "fullCopyTables is null"));
        paginationColumns = Map.copyOf(requireNonNull(paginationColumns, "paginationColumns is null"));
        requireNonNull(retryBackoff, "retryBackoff is null");
        requireNonNull(writeMethod, "writeMethod is null");
        requireNonNull(adaptive, "adaptive is null");
    }

    /** the bounds of {@code copy.batchSize} and {@code copy.concurrency}, also when tuned while running */
    public static final int MAX_BATCH_SIZE = 100_000;
    public static final int MAX_CONCURRENCY = 256;

    static CopyConfig bind(ConfigTree config)
    {
        int batchSize = config.integer("batchSize", 1000, 1, MAX_BATCH_SIZE);
        int concurrency = config.integer("concurrency", 4, 1, MAX_CONCURRENCY);
        long rangeSize = config.longValue("rangeSize", 250_000, 1_000, Long.MAX_VALUE);
        boolean createTargetTables = config.bool("createTargetTables", true);
        List<TableName> creationOrder = tables(config, "tableCreationOrder");
        // accepted so that existing configs keep working; no effect: target sessions always run with foreign_key_checks=0
        boolean disableForeignKeyChecks = config.bool("disableForeignKeyChecks", false);
        boolean descending = config.bool("descending", false);
        LockStrategy lockStrategy = ConfigValue.oneOf(config, "lockStrategy", LockStrategy.SOURCE_DB);
        List<TableName> fullCopyTables = tables(config, "fullCopyTables");
        Map<TableName, List<String>> paginationColumns = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : config.stringMap("paginationColumns").entrySet()) {
            try {
                List<String> columns = new ArrayList<>();
                for (String column : entry.getValue().split(",")) {
                    if (!column.isBlank()) {
                        columns.add(column.trim());
                    }
                }
                if (columns.isEmpty()) {
                    config.problem("paginationColumns." + entry.getKey(), "must name at least one column");
                }
                paginationColumns.put(TableName.parse(entry.getKey()), columns);
            }
            catch (IllegalArgumentException e) {
                config.problem("paginationColumns", "key \"" + entry.getKey() + "\" must be database.table");
            }
        }
        String fallbackColumn = config.string("fallbackColumn", null);
        int readRetries = config.integer("readRetries", 5, 0, 1000);
        int writeRetries = config.integer("writeRetries", 5, 0, 1000);
        Duration retryBackoff = config.duration("retryBackoff", Duration.ofMillis(500));
        boolean delay = config.bool("delayUntilReplicationStops", false);
        boolean failFirst = config.bool("failOnFirstTableCopyError", false);
        WriteMethod writeMethod = ConfigValue.oneOf(config, "writeMethod", WriteMethod.AUTO);
        // a batch size set by hand is kept unless adaptive says otherwise: whoever tuned it meant it
        boolean adaptive = config.bool("adaptive", Adaptive.DEFAULT.enabled() && !config.has("batchSize"));
        Duration targetBatchTime = config.duration("targetBatchTime", Adaptive.DEFAULT.targetBatchTime());
        if (targetBatchTime.compareTo(Duration.ofMillis(10)) < 0 || targetBatchTime.compareTo(Duration.ofMinutes(1)) > 0) {
            config.problem("targetBatchTime", "must be between 10ms and 1m (got " + targetBatchTime + ")");
        }
        int maxBatchSize = config.integer("maxBatchSize", Math.max(Adaptive.DEFAULT.maxBatchSize(), batchSize), 1, MAX_BATCH_SIZE);
        if (maxBatchSize < batchSize) {
            config.problem("maxBatchSize", "must be at least copy.batchSize (" + batchSize + ") (got " + maxBatchSize + ")");
        }
        long maxBatchBytes = config.longValue("maxBatchBytes", Adaptive.DEFAULT.maxBatchBytes(), 64L << 10, 1L << 30);
        for (TableName table : fullCopyTables) {
            if (paginationColumns.containsKey(table)) {
                config.problem("fullCopyTables", table + " is also listed in copy.paginationColumns; choose one");
            }
        }
        return new CopyConfig(batchSize, concurrency, rangeSize, createTargetTables, creationOrder, disableForeignKeyChecks, descending,
                lockStrategy, fullCopyTables, paginationColumns, fallbackColumn, readRetries, writeRetries, retryBackoff, delay, failFirst, writeMethod,
                new Adaptive(adaptive, targetBatchTime, maxBatchSize, maxBatchBytes));
    }

    static List<TableName> tables(PluginConfig config, String key)
    {
        List<TableName> result = new ArrayList<>();
        for (String name : config.stringList(key)) {
            try {
                result.add(TableName.parse(name));
            }
            catch (IllegalArgumentException e) {
                config.problem(key, "\"" + name + "\" must be database.table");
            }
        }
        return result;
    }
}
