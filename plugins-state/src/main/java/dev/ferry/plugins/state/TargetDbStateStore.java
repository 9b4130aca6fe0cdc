package dev.ferry.plugins.state;

import dev.ferry.api.FerryException;
import dev.ferry.api.PluginContext;
import dev.ferry.api.SqlFailures;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.api.state.StateStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the state in a table on the target, one row per run id: the document, written in its own
 * transaction, and the applied binlog position, written by {@link #writePosition} inside the
 * applier's transaction so that data and position commit or roll back together.
 *
 * <p>Thread-safe: every call borrows its own connection, except {@link #writePosition}, which uses
 * the caller's.
 */
final class TargetDbStateStore
        implements StateStore
{
    private static final int WRITE_RETRIES = 3;
    private static final Duration WRITE_RETRY_BACKOFF = Duration.ofMillis(200);

    private static final String POSITION_COLUMNS = "position_file, position_offset, position_gtid, "
            + "position_resume_file, position_resume_offset, position_resume_gtid";

    private final TargetDbStateConfig config;
    private final PluginContext context;
    private final String table;
    private final String upsertDocument;
    private final String upsertPosition;
    private volatile String refusal;

    TargetDbStateStore(TargetDbStateConfig config, PluginContext context)
    {
        this.config = requireNonNull(config, "config is null");
        this.context = requireNonNull(context, "context is null");
        this.table = TableName.quoteIdentifier(config.database()) + "." + TableName.quoteIdentifier(config.table());
        this.upsertDocument = "INSERT INTO " + table + " (run_id, document, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP(6)) "
                + "ON DUPLICATE KEY UPDATE document = ?, updated_at = CURRENT_TIMESTAMP(6)";
        this.upsertPosition = "INSERT INTO " + table + " (run_id, " + POSITION_COLUMNS + ", updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(6)) "
                + "ON DUPLICATE KEY UPDATE position_file = ?, position_offset = ?, position_gtid = ?, "
                + "position_resume_file = ?, position_resume_offset = ?, position_resume_gtid = ?, updated_at = CURRENT_TIMESTAMP(6)";
    }

    /**
     * Creates the database and the table when missing, and checks that an existing table has the
     * columns of a state table.
     */
    @Override
    public void start()
    {
        try (Connection connection = context.target().getConnection(); Statement statement = connection.createStatement()) {
            boolean databaseExists;
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
                query.setString(1, config.database());
                try (ResultSet rows = query.executeQuery()) {
                    databaseExists = rows.next();
                }
            }
            if (!databaseExists) {
                statement.execute("CREATE DATABASE IF NOT EXISTS " + TableName.quoteIdentifier(config.database()));
            }
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "run_id BIGINT UNSIGNED NOT NULL PRIMARY KEY, "
                    + "document LONGTEXT NULL, "
                    + "position_file VARCHAR(512) NULL, "
                    + "position_offset BIGINT UNSIGNED NULL, "
                    + "position_gtid TEXT NULL, "
                    + "position_resume_file VARCHAR(512) NULL, "
                    + "position_resume_offset BIGINT UNSIGNED NULL, "
                    + "position_resume_gtid TEXT NULL, "
                    + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
        catch (SQLException e) {
            throw new FerryException("cannot create the state table " + table + " on the target (" + e.getMessage() + "): "
                    + "check that ferry's user may create it (docs/privileges.md), or choose another state.database", e);
        }
        try (Connection connection = context.target().getConnection();
                Statement statement = connection.createStatement();
                ResultSet ignored = statement.executeQuery("SELECT run_id, document, " + POSITION_COLUMNS + ", updated_at FROM " + table + " WHERE 1 = 0")) {
            // the columns exist
        }
        catch (SQLException e) {
            throw new FerryException("the table " + table + " on the target is not a ferry state table (" + e.getMessage() + "): "
                    + "choose another state.table", e);
        }
    }

    @Override
    public Optional<String> read()
    {
        String document;
        try (Connection connection = context.target().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT document FROM " + table + " WHERE run_id = ?")) {
            statement.setLong(1, runId());
            try (ResultSet rows = statement.executeQuery()) {
                document = rows.next() ? rows.getString(1) : null;
            }
        }
        catch (SQLException e) {
            throw refuse("cannot be read (" + e.getMessage() + ")", e);
        }
        if (document == null) {
            return Optional.empty();
        }
        if (document.isBlank()) {
            throw refuse("holds an empty document, so ferry did not write it", null);
        }
        return Optional.of(document);
    }

    @Override
    public void write(String document)
    {
        requireNonNull(document, "document is null");
        String refused = refusal;
        if (refused != null) {
            throw new FerryException("refusing to save the state: " + refused);
        }
        // a write that fails in passing (a lost connection, a restarting target) is tried again at
        // once, a few times: the next checkpoint is an interval away
        for (int failures = 0; ; failures++) {
            try {
                upsert(document);
                return;
            }
            catch (SQLException e) {
                if (!SqlFailures.isRetryable(e) || failures >= WRITE_RETRIES) {
                    throw new FerryException("could not save the state to " + describe() + " (" + SqlFailures.describe(e)
                            + (failures > 0 ? ", after " + failures + " retries" : "") + "); the previous state there is intact", e);
                }
                try {
                    Thread.sleep(SqlFailures.retryDelay(WRITE_RETRY_BACKOFF, failures).toMillis());
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new FerryException("interrupted while saving the state to " + describe() + "; the previous state there is intact", e);
                }
            }
        }
    }

    private void upsert(String document)
            throws SQLException
    {
        try (Connection connection = context.target().getConnection();
                PreparedStatement statement = connection.prepareStatement(upsertDocument)) {
            statement.setLong(1, runId());
            statement.setString(2, document);
            statement.setString(3, document);
            statement.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
    }

    @Override
    public boolean writesPositionWithBatches()
    {
        return config.writePositionWithBatches();
    }

    @Override
    public void writePosition(Connection targetTransaction, PositionPair position)
            throws SQLException
    {
        requireNonNull(targetTransaction, "targetTransaction is null");
        requireNonNull(position, "position is null");
        try (PreparedStatement statement = targetTransaction.prepareStatement(upsertPosition)) {
            statement.setLong(1, runId());
            bindPosition(statement, 2, position);
            bindPosition(statement, 8, position);
            statement.executeUpdate();
        }
    }

    @Override
    public Optional<PositionPair> readPosition()
    {
        try (Connection connection = context.target().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT " + POSITION_COLUMNS + " FROM " + table + " WHERE run_id = ?")) {
            statement.setLong(1, runId());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || rows.getString(1) == null) {
                    return Optional.empty();
                }
                BinlogPosition event = new BinlogPosition(rows.getString(1), rows.getLong(2), rows.getString(3));
                BinlogPosition resume = new BinlogPosition(rows.getString(4), rows.getLong(5), rows.getString(6));
                return Optional.of(new PositionPair(event, resume));
            }
        }
        catch (SQLException e) {
            throw new FerryException("cannot read the binlog position from " + describe() + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String describe()
    {
        return "table " + table + " on the target (run_id " + Long.toUnsignedString(runId()) + ")";
    }

    @Override
    public String toString()
    {
        return describe();
    }

    long runId()
    {
        return context.runId();
    }

    private static void bindPosition(PreparedStatement statement, int first, PositionPair position)
            throws SQLException
    {
        statement.setString(first, position.event().file());
        statement.setLong(first + 1, position.event().offset());
        statement.setString(first + 2, position.event().gtidSet());
        statement.setString(first + 3, position.resume().file());
        statement.setLong(first + 4, position.resume().offset());
        statement.setString(first + 5, position.resume().gtidSet());
    }

    private FerryException refuse(String problem, Throwable cause)
    {
        String message = "the state in " + describe() + " " + problem + "; ferry never overwrites it automatically: "
                + "delete the row (DELETE FROM " + table + " WHERE run_id = " + Long.toUnsignedString(runId()) + ") to start over";
        refusal = message;
        return new FerryException(message, cause);
    }
}
