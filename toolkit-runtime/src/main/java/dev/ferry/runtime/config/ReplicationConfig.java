package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * {@code replication}: the binlog tail.
 */
public record ReplicationConfig(
        int batchSize,
        int parallelism,
        long serverId,
        int readRetries,
        int writeRetries,
        Duration retryBackoff,
        Duration heartbeat,
        boolean skipRowImageCheck,
        boolean allowReplicaSource,
        String replicaLagQuery,
        Duration maxReplicaLag,
        boolean replicateSchemaChanges,
        String onUnparseableDdl)
{
    public ReplicationConfig
    {
        requireNonNull(retryBackoff, "retryBackoff is null");
        requireNonNull(heartbeat, "heartbeat is null");
        requireNonNull(maxReplicaLag, "maxReplicaLag is null");
        requireNonNull(onUnparseableDdl, "onUnparseableDdl is null");
    }

    /**
     * The default of {@code replication.batchSize}. Larger batches make longer statements, fewer
     * of them, and reduce more events of one row to one write. In separate runs of
     * benchmarks/apply-bench (250,000 events over 8 tables, parallelism 1, warm JVM), 500 applied
     * 44,500 events/s, 2000 50,700, 4000 55,300 and 8000 55,700; at 4000 the target server spent
     * as much CPU per event as a native replica's SQL thread. Under a light load batches stay
     * small: one is applied as soon as the queue is empty at a transaction's end.
     */
    public static final int DEFAULT_BATCH_SIZE = 4000;
    /** the bound of {@code replication.batchSize}, also when tuned while running */
    public static final int MAX_BATCH_SIZE = 100_000;
    /** the bound of {@code replication.parallelism} */
    public static final int MAX_PARALLELISM = 64;

    /**
     * The default of {@code replication.parallelism}: one apply connection per core of ferry's
     * machine, at most 8. Each part of a batch costs ferry the binding of its statements and the
     * target a transaction; on 2 cores (ferry and both servers on one machine) 2 connections
     * applied 1.08x of 1, and 8 only 0.58x ({@code benchmarks/apply-bench}).
     */
    public static int defaultParallelism()
    {
        return Math.min(8, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    static ReplicationConfig bind(PluginConfig config)
    {
        int batchSize = config.integer("batchSize", DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE);
        int parallelism = config.integer("parallelism", defaultParallelism(), 1, MAX_PARALLELISM);
        long serverId = config.longValue("serverId", 0, 0, 4_294_967_295L);
        int readRetries = config.integer("readRetries", 5, 0, 1000);
        int writeRetries = config.integer("writeRetries", 5, 0, 1000);
        Duration retryBackoff = config.duration("retryBackoff", Duration.ofSeconds(1));
        Duration heartbeat = config.duration("heartbeat", Duration.ofSeconds(5));
        if (heartbeat.isZero() || heartbeat.toSeconds() > 4_294_967L) {
            config.problem("heartbeat", "must be between 1ms and 4294967s (got " + heartbeat + ")");
        }
        boolean skipRowImageCheck = config.bool("skipRowImageCheck", false);
        boolean allowReplicaSource = config.bool("allowReplicaSource", false);
        String lagQuery = config.string("replicaLagQuery", null);
        Duration maxReplicaLag = config.duration("maxReplicaLag", Duration.ofSeconds(1));
        boolean replicateSchemaChanges = config.bool("replicateSchemaChanges", true);
        PluginConfig ddl = config.section("ddl");
        String onUnparseable = ddl.oneOf("onUnparseable", "fail", List.of("fail", "skip"));
        return new ReplicationConfig(batchSize, parallelism, serverId, readRetries, writeRetries, retryBackoff, heartbeat, skipRowImageCheck, allowReplicaSource,
                lagQuery, maxReplicaLag, replicateSchemaChanges, onUnparseable);
    }
}
