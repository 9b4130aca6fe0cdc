package dev.ferry.runtime.objects;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.config.SchemaObjectsConfig;
import dev.ferry.runtime.objects.SchemaObject.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Creates the views, routines, triggers and events of the moved databases on the target, from
 * their definitions on the source at the time of the call, with {@code rewrites.databases}
 * applied: an object missing on the target is created, one whose definition differs (definer
 * aside) is dropped and created again, and one this run created that the source no longer has is
 * dropped. Views are created in dependency order by retrying those whose tables or views do not
 * exist yet; a trigger on a table that is not moved, or a view that still cannot be created, is
 * reported as skipped, never created broken.
 */
public final class ObjectMover
{
    private static final Logger log = LoggerFactory.getLogger(ObjectMover.class);
    /** Kinds safe to create while rows are still copied and applied. */
    public static final Set<Kind> EARLY = EnumSet.of(Kind.VIEW, Kind.PROCEDURE, Kind.FUNCTION);

    /**
     * What one pass did.
     *
     * @param created objects created or re-created
     * @param unchanged objects already equal on the target
     * @param dropped objects dropped because the source no longer has them
     * @param skipped objects not created, each with the reason
     */
    public record Outcome(List<String> created, List<String> unchanged, List<String> dropped, Map<String, String> skipped)
    {
        public Outcome
        {
            created = List.copyOf(created);
            unchanged = List.copyOf(unchanged);
            dropped = List.copyOf(dropped);
            skipped = Map.copyOf(skipped);
        }
    }

    private final SchemaObjectsConfig config;
    private final RewritesConfig rewrites;
    private final ObjectReader source;
    private final ObjectReader targetReader;
    private final DataSource target;
    private final Set<String> databases;
    private final Set<TableName> tables;
    // target keys of the objects this run created, so that only those are dropped when the source drops them
    private final Set<String> createdByRun = ConcurrentHashMap.newKeySet();

    /**
     * @param databases the moved source databases
     * @param tables the moved source tables
     */
    public ObjectMover(SchemaObjectsConfig config, RewritesConfig rewrites, DataSource source, DataSource target,
            Collection<String> databases, Collection<TableName> tables)
    {
        this.config = requireNonNull(config, "config is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.source = new ObjectReader(requireNonNull(source, "source is null"));
        this.target = requireNonNull(target, "target is null");
        this.targetReader = new ObjectReader(target);
        this.databases = new LinkedHashSet<>(requireNonNull(databases, "databases is null"));
        this.tables = Set.copyOf(requireNonNull(tables, "tables is null"));
    }

    /**
     * The source objects of the configured kinds among {@code kinds}, as they are now.
     */
    public List<SchemaObject> sourceObjects(Set<Kind> kinds)
            throws SQLException
    {
        Set<Kind> wanted = EnumSet.noneOf(Kind.class);
        wanted.addAll(ObjectReader.kinds(config));
        wanted.retainAll(kinds);
        return wanted.isEmpty() ? List.of() : source.read(databases, wanted);
    }

    /**
     * Why {@code object} is not created, or null when it is.
     */
    public String skipReason(SchemaObject object)
    {
        if (object.kind() == Kind.TRIGGER) {
            TableName table = new TableName(object.database(), object.table());
            if (!tables.contains(table)) {
                return "its table " + table + " is not moved";
            }
            if (!rewrites.apply(table).table().equals(table.table())) {
                return "its table " + table + " is renamed by rewrites.tables; create it by hand";
            }
        }
        return null;
    }

    /**
     * The object as it is created on the target: in the rewritten database, with database
     * qualifiers of moved databases rewritten and, with {@code schemaObjects.definer: target-user},
     * without its definer.
     */
    public SchemaObject forTarget(SchemaObject object)
    {
        Map<String, String> renamed = new HashMap<>();
        for (String database : databases) {
            String targetDatabase = rewrites.applyDatabase(database);
            if (!targetDatabase.equals(database)) {
                renamed.put(database, targetDatabase);
            }
        }
        String create = ObjectStatements.rewriteQualifiers(object.create(), renamed);
        if (config.definer() == SchemaObjectsConfig.Definer.TARGET_USER) {
            create = ObjectStatements.withoutDefiner(create);
        }
        return new SchemaObject(object.kind(), rewrites.applyDatabase(object.database()), object.name(), object.table(), object.definer(),
                create, object.sqlMode(), object.enabled());
    }

    /**
     * Brings the target's objects of {@code kinds} to the source's current definitions.
     */
    public Outcome synchronize(Set<Kind> kinds)
            throws SQLException
    {
        List<SchemaObject> sourceObjects = sourceObjects(kinds);
        if (sourceObjects.isEmpty() && createdByRun.isEmpty()) {
            return new Outcome(List.of(), List.of(), List.of(), Map.of());
        }
        Set<String> targetDatabases = new LinkedHashSet<>();
        for (String database : databases) {
            targetDatabases.add(rewrites.applyDatabase(database));
        }
        Set<Kind> wanted = EnumSet.copyOf(kinds);
        wanted.retainAll(ObjectReader.kinds(config));
        Map<String, SchemaObject> existing = new HashMap<>();
        if (!wanted.isEmpty()) {
            for (SchemaObject object : targetReader.read(targetDatabases, wanted)) {
                existing.put(object.key(), object);
            }
        }
        List<String> created = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        Set<String> present = new LinkedHashSet<>();
        List<SchemaObject> pendingViews = new ArrayList<>();
        for (SchemaObject object : sourceObjects) {
            String reason = skipReason(object);
            if (reason != null) {
                skipped.put(object.describe(), reason);
                continue;
            }
            SchemaObject wantedObject = forTarget(object);
            present.add(wantedObject.key());
            SchemaObject current = existing.get(wantedObject.key());
            if (current != null && ObjectStatements.definition(current.create()).equals(ObjectStatements.definition(wantedObject.create()))) {
                unchanged.add(wantedObject.describe());
                continue;
            }
            if (current != null) {
                execute(wantedObject.database(), null, "DROP " + wantedObject.kind().sqlName() + " " + wantedObject.quotedName());
            }
            if (wantedObject.kind() == Kind.VIEW) {
                pendingViews.add(wantedObject);
                continue;
            }
            try {
                create(wantedObject);
            }
            catch (SQLException e) {
                throw new FerryException("cannot create " + wantedObject.describe() + " on the target (" + e.getMessage() + "); "
                        + "set schemaObjects." + ObjectReader.configKey(wantedObject.kind()) + ": false to move it by hand", e);
            }
            created.add(wantedObject.describe());
        }
        createViews(pendingViews, created, skipped);
        for (String key : List.copyOf(createdByRun)) {
            SchemaObject gone = existing.get(key);
            if (gone != null && !present.contains(key) && wanted.contains(gone.kind())) {
                execute(gone.database(), null, "DROP " + gone.kind().sqlName() + " IF EXISTS " + gone.quotedName());
                createdByRun.remove(key);
                dropped.add(gone.describe());
            }
        }
        Outcome outcome = new Outcome(created, unchanged, dropped, skipped);
        if (!created.isEmpty() || !dropped.isEmpty()) {
            log.info("schema objects on the target: created {}, dropped {}, unchanged {}", created, dropped, unchanged.size());
        }
        skipped.forEach((object, reason) -> log.warn("not creating {} on the target: {}", object, reason));
        return outcome;
    }

    /**
     * Creates views in passes: a view over a view that does not exist yet waits for the next pass.
     */
    private void createViews(List<SchemaObject> views, List<String> created, Map<String, String> skipped)
            throws SQLException
    {
        List<SchemaObject> pending = new ArrayList<>(views);
        Map<String, String> failures = new LinkedHashMap<>();
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            failures.clear();
            for (int i = 0; i < pending.size(); i++) {
                SchemaObject view = pending.get(i);
                try {
                    create(view);
                }
                catch (SQLException e) {
                    failures.put(view.describe(), e.getMessage());
                    continue;
                }
                created.add(view.describe());
                pending.remove(i--);
                progress = true;
            }
        }
        for (SchemaObject view : pending) {
            skipped.put(view.describe(), "it cannot be created on the target (" + failures.get(view.describe())
                    + "): it reads a table or view that is not moved");
        }
    }

    private void create(SchemaObject object)
            throws SQLException
    {
        execute(object.database(), object.sqlMode(), object.create());
        createdByRun.add(object.key());
    }

    private void execute(String database, String sqlMode, String sql)
            throws SQLException
    {
        // the statements name their objects without a database: they run in the target database,
        // on a connection that leaves the pool afterwards so no other statement inherits it
        Connection connection = target.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("USE " + SchemaObject.quote(database));
            if (sqlMode != null) {
                statement.execute("SET SESSION sql_mode = '" + sqlMode.replace("'", "''") + "'");
            }
            statement.execute(sql);
        }
        finally {
            if (target instanceof HikariDataSource pool) {
                pool.evictConnection(connection);
            }
            else {
                connection.close();
            }
        }
    }
}
