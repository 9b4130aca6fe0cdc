package dev.ferry.runtime.verify;

import dev.ferry.runtime.binlog.SourceFlavor;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.config.DatabaseConfig;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.sql.DataSources;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/**
 * Whether this run can watch the target's binlog for writes by others ({@code verifier.watchTargetWrites}),
 * found by asking the target before anything is written: the binlog must be on and in row format,
 * and the server must log the statement text of row events from ferry's sessions (MariaDB
 * {@code binlog_annotate_row_events}, MySQL {@code binlog_rows_query_log_events}), so that ferry's
 * own writes are known by their {@link dev.ferry.runtime.sql.StatementTag tag}. The grants the
 * watch needs are checked with the others ({@code Preflight}).
 *
 * @param status whether the target is watched
 * @param description one line for the operator: what is watched, or why not and what that means
 * @param problems what stops the run, each with its fix (the watch is on, but cannot work as the
 *        target is set up)
 * @param sessionSettings what ferry's target sessions set so that their statement texts are
 *        logged, as {@code name = value} assignments for a {@code SET}; empty when the server's
 *        global value does it
 * @param flavor the target's server family, or null when it was not asked
 */
public record TargetWatchSetup(Status status, String description, List<String> problems, String sessionSettings, SourceFlavor flavor)
{
    public enum Status
    {
        /** The target's binlog is watched from the start of the run. */
        WATCHED,
        /** Turned off in the config. */
        OFF,
        /** On in the config, but the target has no row binlog to watch. */
        UNAVAILABLE
    }

    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
    private static final int ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

    public TargetWatchSetup
    {
        requireNonNull(status, "status is null");
        requireNonNull(description, "description is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
        requireNonNull(sessionSettings, "sessionSettings is null");
    }

    public boolean watched()
    {
        return status == Status.WATCHED;
    }

    /**
     * The setup of a run with {@code verifier.watchTargetWrites: false}, which asks nothing.
     */
    public static TargetWatchSetup off()
    {
        return new TargetWatchSetup(Status.OFF, "writes to the target by others are not watched (verifier.watchTargetWrites: false): a write to a "
                + "moved table on the target by anything other than this run goes unnoticed unless the verifier happens to compare that row",
                List.of(), "", null);
    }

    /**
     * Asks the target over a connection of its own.
     */
    public static TargetWatchSetup probe(FerryConfig config)
            throws SQLException
    {
        if (!config.watchTargetWrites()) {
            return off();
        }
        DatabaseConfig target = config.target();
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        target.password().ifPresent(password -> properties.setProperty("password", password));
        try (Connection connection = DriverManager.getConnection(DataSources.jdbcUrl(target), properties)) {
            return probe(config, connection);
        }
    }

    /**
     * Asks the target over {@code connection}, whose session it may change (a session setting).
     */
    public static TargetWatchSetup probe(FerryConfig config, Connection connection)
            throws SQLException
    {
        if (!config.watchTargetWrites()) {
            return off();
        }
        SourceFlavor flavor = SourceServer.flavor(connection);
        // the row image does not matter: only keys are read, from whatever the image holds
        List<String> binlog = SourceServer.binlogProblems(connection, true);
        if (!binlog.isEmpty()) {
            return new TargetWatchSetup(Status.UNAVAILABLE, "writes to the target by others CANNOT be detected: " + String.join("; ", binlog)
                    + ". A write to a moved table on the target by anything other than this run goes unnoticed unless the verifier happens to "
                    + "compare that row. Give the target a row binlog to have them detected, or set verifier.watchTargetWrites: false to run "
                    + "without saying so", List.of(), "", flavor);
        }
        String variable = flavor == SourceFlavor.MARIADB ? "binlog_annotate_row_events" : "binlog_rows_query_log_events";
        String assignment = variable + " = ON";
        String watched = "writes to the moved tables on the target by anything other than this run are watched in the target's binlog "
                + "(from the start of the run); any fails the cutover";
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION " + assignment);
            return new TargetWatchSetup(Status.WATCHED, watched, List.of(), assignment, flavor);
        }
        catch (SQLException e) {
            if (e.getErrorCode() == ER_UNKNOWN_SYSTEM_VARIABLE) {
                return new TargetWatchSetup(Status.UNAVAILABLE, "writes to the target by others CANNOT be detected: the target does not log the "
                        + "statement text of row events (it has no " + variable + "), so ferry cannot tell its own writes from others'; set "
                        + "verifier.watchTargetWrites: false to run without saying so", List.of(), "", flavor);
            }
            if (e.getErrorCode() != ER_SPECIFIC_ACCESS_DENIED) {
                throw e;
            }
        }
        if (globalOn(connection, variable)) {
            return new TargetWatchSetup(Status.WATCHED, watched + "; ferry's statement texts are logged because " + variable
                    + " is ON on the target: turning it off during the run makes ferry's own writes look like others' and fails the cutover",
                    List.of(), "", flavor);
        }
        String grant = flavor == SourceFlavor.MARIADB ? "BINLOG ADMIN" : "SESSION_VARIABLES_ADMIN (or SYSTEM_VARIABLES_ADMIN)";
        String problem = "the target does not log the statement text of row events (" + variable + "=OFF), and ferry's target user "
                + config.target().user() + " may not turn it on for its own sessions, so ferry cannot tell its own writes from others': run "
                + "SET GLOBAL " + variable + " = ON on the target (and set it in my.cnf)"
                + (flavor == SourceFlavor.MARIADB ? ", MariaDB's default," : "") + " or grant " + grant + " to " + config.target().user()
                + ", or set verifier.watchTargetWrites: false (writes to the target by others then go unnoticed)";
        return new TargetWatchSetup(Status.WATCHED, watched, List.of(problem), "", flavor);
    }

    private static boolean globalOn(Connection connection, String variable)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT @@GLOBAL." + variable)) {
            result.next();
            String value = result.getString(1);
            return "1".equals(value) || "ON".equalsIgnoreCase(value);
        }
    }
}
