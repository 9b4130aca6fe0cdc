package dev.ferry.runtime.preflight;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.config.SchemaObjectsConfig;
import dev.ferry.runtime.cutover.SourceReplication;
import dev.ferry.runtime.objects.DefinerCheck;
import dev.ferry.runtime.objects.ObjectMover;
import dev.ferry.runtime.objects.ObjectReader;
import dev.ferry.runtime.objects.SchemaObject;
import dev.ferry.runtime.objects.SchemaObject.Kind;
import dev.ferry.runtime.verify.TargetWatchSetup;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The checks that run before anything is written, shared by {@code copydb} (which stops at the
 * first group that finds a problem) and {@code ferry plan} (which runs them all and lists every
 * problem). Each problem names what to change.
 */
public final class Preflight
{
    private final FerryConfig config;
    private final DataSource source;
    private final DataSource target;

    /**
     * The schema objects a run would create.
     *
     * @param created the objects created on the target, as read from the source now
     * @param skipped objects not created, each with why
     * @param problems what stops the run
     */
    public record ObjectsPlan(List<SchemaObject> created, Map<String, String> skipped, List<String> problems)
    {
        public ObjectsPlan
        {
            created = List.copyOf(created);
            skipped = Map.copyOf(skipped);
            problems = List.copyOf(problems);
        }
    }

    public Preflight(FerryConfig config, DataSource source, DataSource target)
    {
        this.config = requireNonNull(config, "config is null");
        this.source = requireNonNull(source, "source is null");
        this.target = requireNonNull(target, "target is null");
    }

    /**
     * The source's binlog settings, that it is not a replica unless
     * {@code replication.allowReplicaSource}, and that the target is another server unless
     * {@code rewrites.databases} moves the tables into other databases.
     */
    public List<String> sourceProblems()
            throws SQLException
    {
        List<String> problems = new ArrayList<>();
        try (Connection connection = source.getConnection();
                Connection targetConnection = target.getConnection()) {
            String sourceIdentity = identity(connection);
            if (sourceIdentity.equals(identity(targetConnection)) && config.rewrites().databases().isEmpty()) {
                problems.add("source " + config.source().address() + " and target " + config.target().address() + " are the same server ("
                        + sourceIdentity + "): ferry would copy every table onto itself. Point target at another server, or set "
                        + "rewrites.databases to move the tables into other databases of this one");
            }
            List<String> binlog = SourceServer.binlogProblems(connection, config.replication().skipRowImageCheck());
            if (!binlog.isEmpty()) {
                problems.add("the source binlog is not usable: " + String.join("; ", binlog));
            }
            if (SourceReplication.isReplica(connection) && !config.replication().allowReplicaSource()) {
                problems.add("the source " + config.source().address() + " is a replica: its data may lag behind its primary. "
                        + "Move from the primary, or set replication.allowReplicaSource: true (ferry then waits for the replica to catch up "
                        + "before cutover; use copy.lockStrategy: in-ferry on a read-only replica)");
            }
        }
        return problems;
    }

    /**
     * The privileges ferry's users lack on either server for what this config moves (see
     * {@code docs/privileges.md}).
     *
     * @param databases the moved source databases
     */
    public List<String> privilegeProblems(Collection<String> databases)
            throws SQLException
    {
        SchemaObjectsConfig objects = config.schemaObjects();
        List<List<String>> sourceNeeds = new ArrayList<>(List.of(List.of("SELECT"), List.of("REPLICATION SLAVE"),
                List.of("BINLOG MONITOR", "REPLICATION CLIENT", "SUPER")));
        List<List<String>> sourceOnDatabases = new ArrayList<>();
        if (objects.views()) {
            sourceOnDatabases.add(List.of("SHOW VIEW"));
        }
        if (objects.triggers()) {
            sourceOnDatabases.add(List.of("TRIGGER"));
        }
        if (objects.events()) {
            sourceOnDatabases.add(List.of("EVENT"));
        }
        List<List<String>> targetNeeds = new ArrayList<>(List.of(List.of("SELECT"), List.of("INSERT"), List.of("UPDATE"), List.of("DELETE"),
                List.of("CREATE"), List.of("DROP"), List.of("ALTER"), List.of("INDEX")));
        if (objects.views()) {
            targetNeeds.add(List.of("CREATE VIEW"));
            targetNeeds.add(List.of("SHOW VIEW"));
        }
        if (objects.routines()) {
            targetNeeds.add(List.of("CREATE ROUTINE"));
            targetNeeds.add(List.of("ALTER ROUTINE"));
        }
        if (objects.triggers()) {
            targetNeeds.add(List.of("TRIGGER"));
        }
        if (objects.events()) {
            targetNeeds.add(List.of("EVENT"));
        }
        Set<String> targetDatabases = new LinkedHashSet<>();
        for (String database : databases) {
            targetDatabases.add(config.rewrites().applyDatabase(database));
        }
        List<String> problems = new ArrayList<>();
        List<String> sourceMissing;
        List<String> targetMissing;
        try (Connection connection = source.getConnection()) {
            Grants grants = Grants.of(connection);
            sourceMissing = new ArrayList<>(grants.missing(sourceNeeds, List.of()));
            sourceMissing.addAll(grants.missing(sourceOnDatabases, databases));
        }
        try (Connection connection = target.getConnection()) {
            targetMissing = Grants.of(connection).missing(targetNeeds, targetDatabases);
        }
        if (!sourceMissing.isEmpty()) {
            problems.add("ferry's source user " + config.source().user() + " lacks " + String.join(", ", sourceMissing)
                    + ": grant them (docs/privileges.md), or turn the schema objects that need them off (schemaObjects.views, .triggers, .events)");
        }
        if (!targetMissing.isEmpty()) {
            problems.add("ferry's target user " + config.target().user() + " lacks " + String.join(", ", targetMissing)
                    + ": grant them (docs/privileges.md), or turn the schema objects that need them off (schemaObjects.views, .routines, .triggers, .events)");
        }
        return problems;
    }

    /**
     * What stops the watch of the target's binlog for writes by others ({@code verifier.watchTargetWrites}),
     * when it is on: what {@code setup} found, and the grants reading the binlog takes (REPLICATION
     * SLAVE for the stream, BINLOG MONITOR or REPLICATION CLIENT for the position at start and cutover).
     */
    public List<String> targetWatchProblems(TargetWatchSetup setup)
            throws SQLException
    {
        if (!setup.watched()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>(setup.problems());
        List<String> missing;
        try (Connection connection = target.getConnection()) {
            missing = Grants.of(connection).missing(List.of(List.of("REPLICATION SLAVE", "REPLICATION REPLICA"),
                    List.of("BINLOG MONITOR", "REPLICATION CLIENT", "SUPER")), List.of());
        }
        if (!missing.isEmpty()) {
            problems.add("ferry's target user " + config.target().user() + " lacks " + String.join(", ", missing) + " on the target, which it "
                    + "needs to read the target's binlog for writes to the moved tables by others (verifier.watchTargetWrites): grant them "
                    + "(docs/privileges.md), or set verifier.watchTargetWrites: false (writes to the target by others then go unnoticed)");
        }
        return problems;
    }

    /**
     * The mover of the schema objects of {@code tables}' databases.
     */
    public ObjectMover objectMover(List<TableSchema> tables)
    {
        Set<String> databases = new LinkedHashSet<>();
        List<TableName> names = new ArrayList<>();
        for (TableSchema table : tables) {
            databases.add(table.name().database());
            names.add(table.name());
        }
        return new ObjectMover(config.schemaObjects(), config.rewrites(), source, target, databases, names);
    }

    /**
     * The schema objects the run would create, as the source has them now, and whose definers the
     * target cannot honour.
     */
    public ObjectsPlan objects(ObjectMover mover)
            throws SQLException
    {
        if (!config.schemaObjects().any()) {
            return new ObjectsPlan(List.of(), Map.of(), List.of());
        }
        List<SchemaObject> all;
        try {
            all = mover.sourceObjects(EnumSet.allOf(Kind.class));
        }
        catch (FerryException e) {
            return new ObjectsPlan(List.of(), Map.of(), List.of(e.getMessage()));
        }
        List<SchemaObject> created = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (SchemaObject object : all) {
            String reason = mover.skipReason(object);
            if (reason == null) {
                created.add(object);
            }
            else {
                skipped.put(object.describe(), reason);
            }
        }
        List<String> problems = new ArrayList<>(new DefinerCheck(target).problems(created, config.schemaObjects()));
        problems.addAll(functionCreatorProblems(created));
        return new ObjectsPlan(created, skipped, problems);
    }

    /**
     * A target that writes a binlog lets a user without {@code SUPER} create functions and
     * triggers only with {@code log_bin_trust_function_creators=ON}.
     */
    private List<String> functionCreatorProblems(List<SchemaObject> created)
            throws SQLException
    {
        List<String> needing = new ArrayList<>();
        for (SchemaObject object : created) {
            if (object.kind() == Kind.FUNCTION || object.kind() == Kind.TRIGGER) {
                needing.add(object.describe());
            }
        }
        if (needing.isEmpty()) {
            return List.of();
        }
        try (Connection connection = target.getConnection(); java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet result = statement.executeQuery("SELECT @@GLOBAL.log_bin, @@GLOBAL.log_bin_trust_function_creators")) {
            result.next();
            if (!result.getBoolean(1) || result.getBoolean(2)) {
                return List.of();
            }
            if (Grants.of(connection).missing(List.of(List.of("SUPER")), List.of()).isEmpty()) {
                return List.of();
            }
        }
        return List.of("the target writes a binlog with log_bin_trust_function_creators=OFF, so ferry's target user " + config.target().user()
                + " (without SUPER) cannot create " + String.join(", ", needing) + ": run SET GLOBAL log_bin_trust_function_creators = ON "
                + "on the target (and set it in my.cnf), or set schemaObjects.routines: false / schemaObjects.triggers: false");
    }

    /**
     * Reads {@link ObjectReader#kinds} of the config, for callers that list them.
     */
    public Set<Kind> kinds()
    {
        return ObjectReader.kinds(config.schemaObjects());
    }

    /**
     * What tells servers apart: MySQL's {@code server_uuid}; MariaDB has none, so its host name,
     * port and data directory.
     */
    private static String identity(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT @@GLOBAL.server_uuid")) {
            result.next();
            return "server_uuid " + result.getString(1);
        }
        catch (SQLException e) {
            // MariaDB: 1193 unknown system variable
            if (e.getErrorCode() != 1193) {
                throw e;
            }
        }
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT @@GLOBAL.hostname, @@GLOBAL.port, @@GLOBAL.datadir")) {
            result.next();
            return "host " + result.getString(1) + ", port " + result.getString(2) + ", datadir " + result.getString(3);
        }
    }

    /**
     * Throws one error listing {@code problems}, if there are any.
     */
    public static void failOn(List<String> problems)
    {
        if (!problems.isEmpty()) {
            throw new FerryException(String.join("\n", problems));
        }
    }
}
