package dev.ferry.runtime.state;

import dev.ferry.api.FerryException;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.runtime.state.FerryState;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.state.StateStore;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.schema.CreationOrder;
import dev.ferry.runtime.schema.SchemaException;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.schema.SchemaRegistry;
import dev.ferry.runtime.schema.TargetSchemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Reads the state a run continues from and reconciles it with what the servers hold now.
 */
public final class ResumePlanner
{
    private static final Logger log = LoggerFactory.getLogger(ResumePlanner.class);

    /**
     * The tables of a resume that replays DDL.
     *
     * @param registered every table the target has at the resume position, for decoding row events
     * @param copied the tables whose copy continues, in creation order
     */
    public record Plan(List<TableSchema> registered, List<TableSchema> copied)
    {
        public Plan
        {
            registered = List.copyOf(requireNonNull(registered, "registered is null"));
            copied = List.copyOf(requireNonNull(copied, "copied is null"));
        }
    }

    private final FerryConfig config;
    private final TableFilter tableFilter;
    private final Optional<CopyFilter> copyFilter;
    private final String stateLocation;

    /**
     * @param stateLocation where the state is kept, for messages
     */
    public ResumePlanner(FerryConfig config, TableFilter tableFilter, Optional<CopyFilter> copyFilter, String stateLocation)
    {
        this.config = requireNonNull(config, "config is null");
        this.tableFilter = requireNonNull(tableFilter, "tableFilter is null");
        this.copyFilter = requireNonNull(copyFilter, "copyFilter is null");
        this.stateLocation = requireNonNull(stateLocation, "stateLocation is null");
    }

    /**
     * How a run treats the state of an earlier run.
     */
    public enum Start
    {
        /** start a new run; a stored state is an error (a fresh start never overwrites one) */
        FRESH,
        /** continue the stored run; no stored state is an error */
        RESUME,
        /** continue the stored run when there is one, else start: the one command line a supervisor restarts */
        AUTO
    }

    /**
     * Whether {@code saved} is a run that finished (cut over) already, so a restart has nothing to
     * do; such a state must be this config's.
     *
     * @throws StateException when it finished under another config
     */
    public static boolean finished(FerryState saved, String fingerprint, String where)
    {
        if (!FerryPhase.DONE.label().equals(saved.phase())) {
            return false;
        }
        List<String> problems = StateCompatibility.check(saved, fingerprint, Map.of(), true);
        if (!problems.isEmpty()) {
            throw new StateException("the finished run saved in " + where + " is not this config's: " + String.join("; ", problems));
        }
        log.info("the run saved in {} finished already (cut over at {}): nothing to do", where, saved.position() == null ? "?" : saved.position().event());
        return true;
    }

    /**
     * Starts the state store and reads the state of an earlier run: the one to continue when
     * {@code resume}, otherwise a check that there is none (a fresh start never overwrites one).
     */
    public static Optional<FerryState> load(Optional<StateStore> store, boolean resume)
    {
        return load(store, resume ? Start.RESUME : Start.FRESH);
    }

    /**
     * Starts the state store and reads the state of an earlier run, as {@code start} asks. A
     * position the store saved with the applier's batches wins over the document's when it is
     * further. With {@link Start#AUTO}, the state of a finished run is returned as it is (its
     * phase is {@code done}), for the caller to end without doing anything.
     *
     * @return the state to resume from; empty for a fresh start or without a state store
     * @throws StateException when the stored state (or its absence) does not allow {@code start}
     */
    public static Optional<FerryState> load(Optional<StateStore> store, Start start)
    {
        requireNonNull(start, "start is null");
        if (store.isEmpty()) {
            if (start != Start.FRESH) {
                throw new StateException("--resume needs a state store: configure state (e.g. state: {type: file, path: /var/lib/ferry/state.json})");
            }
            return Optional.empty();
        }
        store.get().start();
        Optional<String> document;
        try {
            document = store.get().read();
        }
        catch (FerryException e) {
            // a state that cannot be read needs an operator, like one that cannot be used
            throw new StateException(e.getMessage(), e);
        }
        if (start == Start.FRESH) {
            if (document.isPresent()) {
                throw new StateException("a state from an earlier run is stored in " + store.get().describe()
                        + ": resume it with copydb --resume, or move it away to start over (it is never overwritten by a fresh start)");
            }
            return Optional.empty();
        }
        if (document.isEmpty()) {
            if (start == Start.AUTO) {
                log.info("no state in {}: starting a new run", store.get().describe());
                return Optional.empty();
            }
            throw new StateException("nothing to resume: " + store.get().describe() + " holds no state; run copydb without --resume to start");
        }
        FerryState state = StateCodec.decode(document.get(), "the state in " + store.get().describe());
        if (FerryPhase.DONE.label().equals(state.phase())) {
            if (start == Start.AUTO) {
                return Optional.of(state);
            }
            throw new StateException("the state in " + store.get().describe() + " belongs to a run that finished (cut over at "
                    + (state.position() == null ? "?" : state.position().event()) + "); there is nothing to resume");
        }
        Optional<PositionPair> position = store.get().readPosition();
        if (position.isPresent() && (state.position() == null || position.get().resume().compareTo(state.position().resume()) > 0)) {
            state = new FerryState(state.formatVersion(), state.ferryVersion(), state.configFingerprint(), state.runId(), state.phase(),
                    state.schemaFingerprints(), state.tables(), position.get(), state.verifierState(), state.savedAt(), state.tuning(),
                    state.targetWrites());
        }
        if (state.position() == null) {
            throw new StateException("the state in " + store.get().describe() + " has no binlog position (the run stopped before streaming started): "
                    + "move it away and start over");
        }
        log.info("resuming from {} saved at {}: binlog from {}", store.get().describe(), state.savedAt(), state.position().resume());
        return Optional.of(state);
    }

    /**
     * Checks that a resume without schema replication meets the tables it saved, unchanged.
     *
     * @throws StateException naming every table that changed or vanished
     */
    public void checkCompatible(FerryState saved, List<TableSchema> tables)
    {
        List<String> problems = StateCompatibility.check(saved, config.fingerprint(), SchemaRegistry.fingerprints(tables), false);
        if (!problems.isEmpty()) {
            throw new StateException("cannot resume from " + stateLocation + ":\n  - " + String.join("\n  - ", problems));
        }
    }

    /**
     * A resume that replays DDL: the target has the structure the source had at the saved resume
     * position (every DDL before it was applied, none after it), while the source may be further
     * ahead, its later DDL still to be replayed from the binlog. So the target decides which tables
     * exist and how the row events after the resume position decode, and neither the source's
     * current tables nor its current columns are imposed on the target:
     * <ul>
     * <li>a table of the saved copy that the target still has continues its copy from its cursors;</li>
     * <li>one the target no longer has was dropped or renamed by a replicated DDL: nothing to copy;</li>
     * <li>a table the target has but the saved copy does not was created by a replicated DDL: its
     * rows come from the binlog, it is only registered for decoding;</li>
     * <li>a source table neither has was created after the resume position: the binlog creates it.</li>
     * </ul>
     */
    public Plan planWithSchemaReplication(FerryState saved, SchemaLoader sourceLoader, TargetSchemas target)
            throws SQLException
    {
        List<String> problems = StateCompatibility.check(saved, config.fingerprint(), Map.of(), true);
        if (!problems.isEmpty()) {
            throw new StateException("cannot resume from " + stateLocation + ":\n  - " + String.join("\n  - ", problems));
        }
        Set<TableName> candidates = new LinkedHashSet<>(saved.tables().keySet());
        candidates.addAll(saved.schemaFingerprints().keySet());
        for (String database : sourceLoader.databases()) {
            if (tableFilter.acceptsDatabase(database)) {
                candidates.addAll(sourceLoader.tables(database));
            }
        }
        List<TableSchema> registered = new ArrayList<>();
        List<TableSchema> copied = new ArrayList<>();
        List<TableName> gone = new ArrayList<>();
        List<TableName> ahead = new ArrayList<>();
        for (TableName table : candidates) {
            if (!tableFilter.acceptsTable(table)) {
                continue;
            }
            Optional<TableSchema> schema = target.load(table);
            if (schema.isPresent()) {
                registered.add(schema.get());
                if (saved.tables().containsKey(table)) {
                    copied.add(schema.get());
                }
            }
            else if (saved.tables().containsKey(table)) {
                gone.add(table);
            }
            else if (!saved.schemaFingerprints().containsKey(table)) {
                ahead.add(table);
            }
        }
        if (!gone.isEmpty()) {
            log.info("not copying {}: the target no longer has them (dropped or renamed by replicated DDL before the resume position)", gone);
        }
        if (!ahead.isEmpty()) {
            log.info("not copying {}: created on the source after the resume position, the binlog creates them", ahead);
        }
        if (copyFilter.isPresent()) {
            List<String> filterProblems = copyFilter.get().check(copied);
            if (!filterProblems.isEmpty()) {
                throw new SchemaException(String.join("\n  - ", filterProblems));
            }
        }
        Set<TableName> copiedNames = new LinkedHashSet<>();
        copied.forEach(table -> copiedNames.add(table.name()));
        List<TableSchema> ordered = CreationOrder.order(copied, config.copy().tableCreationOrder().stream().filter(copiedNames::contains).toList());
        log.info("resuming the move of {} tables as the target has them at the resume position; copying {}: {}", registered.size(), ordered.size(),
                ordered.stream().map(t -> t.name().toString()).toList());
        return new Plan(registered, ordered);
    }
}
