package dev.ferry.runtime.ddl;

import dev.ferry.api.FerryException;
import dev.ferry.api.Metrics;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.Verifier;
import dev.ferry.runtime.apply.SchemaChangeHandler;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.schema.CollationMapping;
import dev.ferry.runtime.schema.SchemaException;
import dev.ferry.runtime.schema.SchemaRegistry;
import dev.ferry.runtime.schema.TableRenames;
import dev.ferry.runtime.schema.TargetSchemas;
import dev.ferry.runtime.sql.StatementTag;
import dev.ferry.runtime.state.StateSaver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The apply step of schema replication, run by the binlog applier as a barrier (every row event
 * before the statement is applied, none after it yet): parse and classify the statement, skip it
 * unless the table filter accepts a table (or database) it touches, rewrite database and table
 * names, run it on the target, and reload the schemas it changed. Schemas are reloaded from the
 * target, which now has exactly the structure the source had at this binlog position (the
 * source itself may already be further ahead). Renames and drops go to the rename log once the
 * schemas are reloaded, so a copy can follow a table renamed during its copy.
 */
public final class SchemaChangeApplier
        implements SchemaChangeHandler
{
    private static final Logger log = LoggerFactory.getLogger(SchemaChangeApplier.class);
    // Errors a statement gives when it already ran, e.g. when a resume re-reads it.
    private static final Set<Integer> ALREADY_APPLIED = Set.of(1007, 1008, 1050, 1051, 1060, 1061, 1091, 1146);

    private final DataSource target;
    private final TableFilter tableFilter;
    private final RewritesConfig rewrites;
    private final SchemaRegistry registry;
    private final TableRenames renames;
    private final TargetSchemas targetSchemas;
    private final Verifier verifier;
    private final boolean skipUnparseable;
    private final StateSaver state;
    private final StatementTag tag;
    private final Consumer<List<TableName>> ownDrops;
    private final Metrics.Counter applied;
    private final Metrics.Counter ignored;
    private final Metrics.Counter skipped;
    // read once, on the streaming thread, when the first CREATE or ALTER is applied
    private Set<String> targetCollations;

    /**
     * @param targetSchemas loads a source table's schema as the target now has it (for the
     *        rewritten name), with its pagination key chosen; empty when the table does not exist
     * @param state saves the run's state now (a no-op without a state store), throwing when it
     *        cannot: called before a statement changes the target and once its transaction ended,
     *        so a resume never decodes row events against a structure the target no longer has
     * @param renames where the renames and drops this applier replicates are recorded, after the
     *        registry holds the new names and before the state is saved as settled
     * @param tag put in front of every statement run on the target
     * @param ownDrops told the target names of the tables a statement drops, right before it runs:
     *        the server may log a {@code DROP TABLE} anew, without the tag
     */
    public SchemaChangeApplier(DataSource target, TableFilter tableFilter, RewritesConfig rewrites, SchemaRegistry registry,
            TableRenames renames, TargetSchemas targetSchemas, Verifier verifier, boolean skipUnparseable,
            StateSaver state, Metrics metrics, StatementTag tag, Consumer<List<TableName>> ownDrops)
    {
        this.tag = requireNonNull(tag, "tag is null");
        this.ownDrops = requireNonNull(ownDrops, "ownDrops is null");
        this.renames = requireNonNull(renames, "renames is null");
        this.target = requireNonNull(target, "target is null");
        this.tableFilter = requireNonNull(tableFilter, "tableFilter is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.targetSchemas = requireNonNull(targetSchemas, "targetSchemas is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.skipUnparseable = skipUnparseable;
        this.state = requireNonNull(state, "state is null");
        this.applied = metrics.counter("ddl_applied", "DDL statements replicated to the target");
        this.ignored = metrics.counter("ddl_ignored", "statements outside ferry's scope (grants, users, routines, triggers, views, events)");
        this.skipped = metrics.counter("ddl_skipped", "DDL statements skipped: filtered out or unparseable with onUnparseable: skip");
    }

    @Override
    public boolean apply(String sql, String defaultDatabase, PositionPair position)
            throws SQLException
    {
        ParsedDdl ddl;
        try {
            ddl = DdlParser.parse(sql, defaultDatabase == null || defaultDatabase.isEmpty() ? null : defaultDatabase);
        }
        catch (UnparseableDdlException e) {
            if (!mayConcernMovedTables(sql, defaultDatabase)) {
                skipped.add(1);
                log.debug("skipping an unparseable statement at {} that names no moved database", position.event());
                return false;
            }
            if (skipUnparseable) {
                skipped.add(1);
                log.warn("skipping a DDL statement at {} (replication.ddl.onUnparseable: skip); the target may now differ from the source: {}",
                        position.event(), e.getMessage());
                return false;
            }
            throw new FerryException(e.getMessage() + " (binlog position " + position.event()
                    + "); apply it to the target by hand and resume, or set replication.ddl.onUnparseable: skip", e);
        }
        if (ddl.kind() == SchemaEvent.Kind.IGNORED) {
            ignored.add(1);
            log.debug("ignoring {} statement at {}", ddl.ignoredCategory().orElse("other"), position.event());
            return false;
        }
        if (!relevant(ddl)) {
            skipped.add(1);
            return false;
        }
        String rewritten;
        try {
            rewritten = ddl.rewrite(rewrites::apply, rewrites::applyDatabase);
        }
        catch (UnparseableDdlException e) {
            if (skipUnparseable) {
                skipped.add(1);
                log.warn("skipping a DDL statement at {} that cannot be rewritten (replication.ddl.onUnparseable: skip); the target may now differ "
                        + "from the source: {}", position.event(), e.getMessage());
                return false;
            }
            throw new FerryException(e.getMessage() + " (binlog position " + position.event()
                    + "); apply it to the target by hand and resume, or set replication.ddl.onUnparseable: skip", e);
        }
        // The target's structure is where a resume reads the schemas from: a state saved before
        // the statement runs (resuming right before it) and again once it is settled means no
        // resume starts earlier than a structure change the target already has.
        // a kill between the statement and the next save resumes from the state saved now; it
        // must let the copy of a renamed table go on under either name
        renames.expect(ddl.renames());
        try {
            state.saveNow();
        }
        catch (RuntimeException e) {
            renames.abandon();
            throw e;
        }
        boolean ran = true;
        try (Connection connection = target.getConnection(); Statement statement = connection.createStatement()) {
            rewritten = fitCollations(connection, rewritten, position);
            if (!ddl.dropped().isEmpty()) {
                List<TableName> dropped = new ArrayList<>(ddl.dropped().size());
                for (TableName table : ddl.dropped()) {
                    dropped.add(rewrites.apply(table));
                }
                ownDrops.accept(dropped);
            }
            statement.execute(tag.apply(rewritten));
        }
        catch (SQLException e) {
            renames.abandon();
            if (!ALREADY_APPLIED.contains(e.getErrorCode())) {
                throw new FerryException("replicating DDL at " + position.event() + " failed on the target: [" + e.getErrorCode() + "] "
                        + e.getMessage() + "; statement: " + rewritten, e);
            }
            log.warn("DDL at {} seems to have been applied already ({}); continuing", position.event(), e.getMessage());
            ran = false;
        }
        applied.add(1);
        log.info("replicated {} at {}: {}", ddl.kind(), position.event(), rewritten);
        refreshSchemas(ddl);
        if (ran) {
            // a statement a resume replays although the target has it already renamed nothing
            // the copies of this run know: they were planned from the target after it
            renames.record(ddl.renames(), ddl.dropped(), ddl.databasesDropped());
        }
        return true;
    }

    /**
     * An 11.4 source's {@code utf8mb4_*_0900_*} collation aliases become what they stand for on a
     * target that lacks them (see {@link CollationMapping}).
     */
    private String fitCollations(Connection connection, String sql, PositionPair position)
            throws SQLException
    {
        if (!sql.regionMatches(true, 0, "CREATE", 0, 6) && !sql.regionMatches(true, 0, "ALTER", 0, 5)) {
            return sql;
        }
        if (targetCollations == null) {
            targetCollations = CollationMapping.collationsOf(connection);
        }
        try {
            return CollationMapping.rewrite(sql, targetCollations, "the DDL at " + position.event());
        }
        catch (SchemaException e) {
            renames.abandon();
            throw new FerryException(e.getMessage() + "; statement: " + sql, e);
        }
    }

    @Override
    public void settled(PositionPair position)
    {
        state.saveNow();
    }

    /**
     * Whether a statement the parser cannot read could touch a moved table: it runs in a moved
     * database, or names one. A statement elsewhere (another application's database on the same
     * server) must not stop the run.
     */
    private boolean mayConcernMovedTables(String sql, String defaultDatabase)
    {
        if (defaultDatabase != null && !defaultDatabase.isEmpty() && tableFilter.acceptsDatabase(defaultDatabase)) {
            return true;
        }
        List<SqlToken> tokens;
        try {
            tokens = SqlTokenizer.tokenize(sql);
        }
        catch (RuntimeException e) {
            return true;
        }
        for (SqlToken token : tokens) {
            String name;
            if (token.type() == SqlToken.Type.QUOTED_IDENTIFIER) {
                name = token.text().substring(1, token.text().length() - 1).replace("``", "`");
            }
            else if (token.type() == SqlToken.Type.WORD) {
                name = token.text();
            }
            else {
                continue;
            }
            if (tableFilter.acceptsDatabase(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean relevant(ParsedDdl ddl)
    {
        if (ddl.kind() == SchemaEvent.Kind.CREATE_DATABASE || ddl.kind() == SchemaEvent.Kind.DROP_DATABASE) {
            for (String database : ddl.kind() == SchemaEvent.Kind.CREATE_DATABASE ? ddl.databasesCreated() : ddl.databasesDropped()) {
                if (tableFilter.acceptsDatabase(database)) {
                    return true;
                }
            }
            return false;
        }
        for (TableName table : touched(ddl)) {
            if (tableFilter.acceptsTable(table)) {
                return true;
            }
        }
        return false;
    }

    private static Set<TableName> touched(ParsedDdl ddl)
    {
        Set<TableName> tables = new LinkedHashSet<>(ddl.affected());
        tables.addAll(ddl.created());
        tables.addAll(ddl.dropped());
        return tables;
    }

    private void refreshSchemas(ParsedDdl ddl)
    {
        for (String database : ddl.databasesDropped()) {
            for (TableSchema table : registry.all()) {
                if (table.name().database().equals(database)) {
                    registry.remove(table.name());
                    verifier.afterSchemaChange(table.name());
                }
            }
        }
        for (TableName table : ddl.dropped()) {
            registry.remove(table);
            verifier.afterSchemaChange(table);
        }
        if (!ddl.changesStructure()) {
            return;
        }
        Set<TableName> current = new LinkedHashSet<>(ddl.affected());
        current.addAll(ddl.created());
        current.removeAll(ddl.dropped());
        for (TableName table : current) {
            if (!tableFilter.acceptsTable(table)) {
                registry.remove(table);
                continue;
            }
            Optional<TableSchema> schema = targetSchemas.load(table);
            if (schema.isPresent()) {
                registry.put(schema.get());
            }
            else {
                registry.remove(table);
            }
            verifier.afterSchemaChange(table);
            if (schema.isPresent() && ddl.replaced().contains(table)) {
                verifier.afterTableReplaced(table);
            }
        }
    }
}
