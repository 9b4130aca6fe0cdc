package dev.ferry.runtime.schema;

import dev.ferry.api.FerryException;
import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.TableFilter;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.sql.StatementTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Plans a fresh run's tables: discovers the source tables together with the binlog position
 * their schemas hold at, then prepares the target tables in creation order.
 */
public final class DiscoveryPlanner
{
    private static final Logger log = LoggerFactory.getLogger(DiscoveryPlanner.class);
    private static final int SCHEMA_READ_ATTEMPTS = 30;
    private static final int ER_NO_SUCH_TABLE = 1146;

    /**
     * The source tables as they were at {@code startPosition}.
     *
     * @param createStatements each table's {@code SHOW CREATE TABLE}, when target tables are created
     * @param startPosition where the run starts streaming
     */
    public record Discovered(List<TableSchema> tables, Map<TableName, String> createStatements, BinlogPosition startPosition)
    {
        public Discovered
        {
            tables = List.copyOf(requireNonNull(tables, "tables is null"));
            requireNonNull(createStatements, "createStatements is null");
            requireNonNull(startPosition, "startPosition is null");
        }
    }

    private final FerryConfig config;
    private final DataSource source;
    private final DataSource target;
    private final SchemaLoader loader;
    private final TableDiscovery discovery;

    public DiscoveryPlanner(FerryConfig config, TableFilter tableFilter, Optional<CopyFilter> copyFilter, DataSource source, DataSource target)
    {
        this.config = requireNonNull(config, "config is null");
        this.source = requireNonNull(source, "source is null");
        this.target = requireNonNull(target, "target is null");
        this.loader = new SchemaLoader(source);
        this.discovery = new TableDiscovery(loader, tableFilter, config.copy(), copyFilter);
    }

    /**
     * Discovers the source tables and takes the binlog position the run starts streaming from, so
     * that the schemas are exactly those at that position: a DDL between the two reads would
     * otherwise be neither in the schemas nor in the binlog after the position, and the row events
     * after it would decode against the wrong structure. The {@code SHOW CREATE TABLE} statements
     * the target tables are created from are read with them. The schemas are read again after the
     * position; when a table changed or appeared in between, it all starts over.
     *
     * @throws FerryException when the table filter accepts no table
     */
    public Discovered discover()
            throws SQLException
    {
        Discovered discovered = discoverAtStartPosition();
        if (discovered.tables().isEmpty()) {
            throw new FerryException("the table filter (tableFilter) accepts no table on the source " + config.source().address()
                    + ": check its databases and tables patterns");
        }
        return discovered;
    }

    /**
     * Orders the discovered tables for creation and prepares them on the target (creates them
     * when {@code copy.createTargetTables}, checks them otherwise).
     *
     * @return the tables in creation order
     */
    public List<TableSchema> prepareTarget(Discovered discovered)
            throws SQLException
    {
        List<TableSchema> ordered = CreationOrder.order(discovered.tables(), config.copy().tableCreationOrder());
        new TargetTables(loader, target, config.rewrites(), StatementTag.forRun(config.runId())).prepare(ordered, discovered.createStatements(), config.copy().createTargetTables());
        log.info("moving {} tables: {}", ordered.size(), ordered.stream().map(t -> t.name().toString()).toList());
        List<String> cascading = cascadingForeignKeys(ordered, false);
        if (!cascading.isEmpty()) {
            log.info("reproducing on the target the child-row changes (not in the binlog) of these foreign keys' ON DELETE/ON UPDATE "
                    + "actions: {}", cascading);
        }
        List<String> unreproduced = cascadingForeignKeys(ordered, true);
        if (!unreproduced.isEmpty()) {
            log.warn("these foreign keys change moved child rows when their parent is deleted or re-keyed, but the parent table is not "
                    + "moved, so ferry does not see those deletes and updates and the target's children stay as they were (a verifier "
                    + "reports the tables at cutover; move the parent tables too, see docs/consistency.md#foreign-keys): {}", unreproduced);
        }
        return ordered;
    }

    /**
     * The foreign keys with an ON DELETE or ON UPDATE action other than RESTRICT / NO ACTION, as
     * {@code db.table.name (onDelete/onUpdate)}: those whose referenced table is not among
     * {@code tables} ({@code unmovedParents}), whose cascades ferry cannot see, or the others.
     */
    static List<String> cascadingForeignKeys(List<TableSchema> tables, boolean unmovedParents)
    {
        Set<TableName> moved = new HashSet<>();
        for (TableSchema table : tables) {
            moved.add(table.name());
        }
        List<String> cascading = new ArrayList<>();
        for (TableSchema table : tables) {
            for (ForeignKey key : table.foreignKeys()) {
                boolean acts = key.onDelete().changesReferencingRows() || key.onUpdate().changesReferencingRows();
                if (acts && moved.contains(key.referencedTable()) != unmovedParents) {
                    cascading.add(table.name() + "." + key.name() + " (ON DELETE " + key.onDelete() + ", ON UPDATE " + key.onUpdate() + ")");
                }
            }
        }
        return cascading;
    }

    private Discovered discoverAtStartPosition()
            throws SQLException
    {
        boolean replicateSchemaChanges = config.replication().replicateSchemaChanges();
        for (int attempt = 1; ; attempt++) {
            List<TableSchema> tables;
            try {
                tables = discovery.discover();
            }
            catch (SchemaException e) {
                // a table may have been read half before and half after a DDL: only a problem
                // found twice in a row is real
                if (!replicateSchemaChanges || attempt == SCHEMA_READ_ATTEMPTS || sameProblem(e)) {
                    throw e;
                }
                log.info("the source's schema changed while it was read ({}); reading it again", e.getMessage());
                continue;
            }
            Map<TableName, String> createStatements = new LinkedHashMap<>();
            try {
                if (config.copy().createTargetTables()) {
                    for (TableSchema table : tables) {
                        createStatements.put(table.name(), loader.showCreateTable(table.name()));
                    }
                }
            }
            catch (SQLException e) {
                if (e.getErrorCode() != ER_NO_SUCH_TABLE || attempt == SCHEMA_READ_ATTEMPTS) {
                    throw e;
                }
                log.info("a table was dropped on the source while its schema was read; reading the schemas again");
                pause(attempt);
                continue;
            }
            BinlogPosition startPosition;
            try (Connection connection = source.getConnection()) {
                startPosition = SourceServer.currentPosition(connection);
            }
            if (!replicateSchemaChanges || sameSchemas(tables)) {
                return new Discovered(tables, createStatements, startPosition);
            }
            if (attempt == SCHEMA_READ_ATTEMPTS) {
                throw new FerryException("the source's tables changed every time ferry read them (" + attempt + " attempts): "
                        + "start when the application's schema changes pause");
            }
            log.info("a table changed on the source while its schema was read; reading the schemas again");
            pause(attempt);
        }
    }

    /**
     * Whether reading the schemas again finds exactly {@code tables}; a read that fails on a table
     * caught half-changed counts as a change.
     */
    private boolean sameSchemas(List<TableSchema> tables)
            throws SQLException
    {
        try {
            return SchemaRegistry.fingerprints(discovery.discover()).equals(SchemaRegistry.fingerprints(tables));
        }
        catch (SchemaException e) {
            return false;
        }
    }

    private boolean sameProblem(SchemaException problem)
            throws SQLException
    {
        pause(1);
        try {
            discovery.discover();
            return false;
        }
        catch (SchemaException again) {
            return again.getMessage().equals(problem.getMessage());
        }
    }

    private static void pause(int attempt)
    {
        try {
            Thread.sleep(20L * attempt);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("interrupted", e);
        }
    }
}
