package dev.ferry.api;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import javax.sql.DataSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Engine services available to plugins. New services are added here as default methods, never as
 * new parameters of {@link PluginFactory#create}.
 *
 * <p>During {@code ferry validate} no database is connected: the data sources throw
 * {@link IllegalStateException} when used, and the schema catalog is empty. Plugins therefore use
 * these services only in their lifecycle methods, never in {@code create}.
 *
 * <p>Thread-safe.
 */
public interface PluginContext
{
    /**
     * Connection pool to the source server. Plugins borrow connections and close them promptly.
     */
    DataSource source();

    /**
     * Connection pool to the target server.
     */
    DataSource target();

    /**
     * The schema of a source table as ferry currently knows it (reloaded after DDL).
     */
    Optional<TableSchema> sourceTable(TableName table);

    /**
     * Every source table the table filter accepted.
     */
    Collection<TableSchema> sourceTables();

    /**
     * The target name of a source table after database and table rewrites.
     */
    TableName targetName(TableName sourceTable);

    /**
     * The run's copy filter, if one is configured; verifiers use it to compare only the moved rows.
     */
    default Optional<CopyFilter> copyFilter()
    {
        return Optional.empty();
    }

    /**
     * The clock to use for all timing; tests may replace it.
     */
    default Clock clock()
    {
        return Clock.systemUTC();
    }

    /**
     * Metrics shared with the status API and {@code /metrics}.
     */
    Metrics metrics();

    /**
     * A logger for the plugin.
     */
    default System.Logger logger(Class<?> type)
    {
        return System.getLogger(type.getName());
    }

    /**
     * The ferry version, e.g. {@code 0.1.0}.
     */
    String ferryVersion();

    /**
     * Identifies this ferry run (its replication server id); stable across resumes of one run.
     */
    long runId();

    /**
     * Appends every remaining row of {@code result} to {@code rows}, as the raw bytes
     * {@link ResultSet#getBytes(int)} returns for its first {@code columns} columns. The runtime
     * reads Connector/J's results without the driver's locking per value, which costs more CPU than
     * the rows themselves on a large comparison; this default reads through JDBC.
     *
     * @return the bytes read, a NULL counting one
     */
    default long readRows(ResultSet result, int columns, List<Row> rows)
            throws SQLException
    {
        return Row.readAll(result, columns, rows);
    }
}
