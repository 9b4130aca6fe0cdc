package dev.ferry.runtime.state;

import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.core.RunTuning;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Everything a resume needs, written at checkpoints, on stop and on fatal errors. Serialized by
 * the runtime as a versioned JSON document; state stores persist that document opaquely.
 *
 * @param formatVersion the document format; a resume refuses other versions
 * @param ferryVersion the ferry version that wrote it
 * @param configFingerprint digest of the config parts that decide what is copied where
 * @param runId the run's replication server id
 * @param phase the pipeline phase when written (copying, waiting-for-cutover, cutover, done)
 * @param schemaFingerprints per source table, the structure fingerprint at the resume position
 * @param tables per source table, copy progress
 * @param position the last applied binlog position pair, or null before streaming started
 * @param verifierState the verifier's own state (JSON text), or null
 * @param savedAt when it was written
 * @param tuning the values tuned while running ({@code POST /api/tune}), or null when none was
 * @param targetWrites the watch of the target's binlog for writes by others, or null when the
 *        target was not watched
 */
public record FerryState(
        int formatVersion,
        String ferryVersion,
        String configFingerprint,
        long runId,
        String phase,
        Map<TableName, String> schemaFingerprints,
        Map<TableName, TableCopyState> tables,
        PositionPair position,
        String verifierState,
        Instant savedAt,
        RunTuning.Values tuning,
        TargetWritesState targetWrites)
{
    public static final int FORMAT_VERSION = 1;

    public FerryState
    {
        requireNonNull(ferryVersion, "ferryVersion is null");
        requireNonNull(configFingerprint, "configFingerprint is null");
        requireNonNull(phase, "phase is null");
        schemaFingerprints = Map.copyOf(new TreeMap<>(requireNonNull(schemaFingerprints, "schemaFingerprints is null")));
        tables = Map.copyOf(new TreeMap<>(requireNonNull(tables, "tables is null")));
        requireNonNull(savedAt, "savedAt is null");
    }

    /**
     * A state without a watch of the target.
     */
    public FerryState(int formatVersion, String ferryVersion, String configFingerprint, long runId, String phase,
            Map<TableName, String> schemaFingerprints, Map<TableName, TableCopyState> tables, PositionPair position, String verifierState,
            Instant savedAt, RunTuning.Values tuning)
    {
        this(formatVersion, ferryVersion, configFingerprint, runId, phase, schemaFingerprints, tables, position, verifierState, savedAt, tuning, null);
    }

    /**
     * A state without tuned values.
     */
    public FerryState(int formatVersion, String ferryVersion, String configFingerprint, long runId, String phase,
            Map<TableName, String> schemaFingerprints, Map<TableName, TableCopyState> tables, PositionPair position, String verifierState,
            Instant savedAt)
    {
        this(formatVersion, ferryVersion, configFingerprint, runId, phase, schemaFingerprints, tables, position, verifierState, savedAt, null, null);
    }
}
