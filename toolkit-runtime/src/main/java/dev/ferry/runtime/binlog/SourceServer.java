package dev.ferry.runtime.binlog;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The questions ferry asks the source server, in one place for every stage that asks them: its
 * flavor, whether its binlog settings suit ferry, and its current binlog position with the GTID
 * set at that position. Each method runs on the connection it is given and leaves it open.
 */
public final class SourceServer
{
    private SourceServer() {}

    /**
     * The server's family, from {@code SELECT VERSION()}: MariaDB says so in its version string.
     */
    public static SourceFlavor flavor(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT VERSION()")) {
            result.next();
            return SourceFlavor.of(result.getString(1));
        }
    }

    /**
     * Fails unless the source writes a row-based binlog ferry can read: {@code log_bin=ON},
     * {@code binlog_format=ROW}, {@code binlog_row_image=FULL} (unless skipped), and no binlog
     * compression. Every problem is reported at once, with what to change.
     */
    public static void checkBinlogSettings(Connection connection, boolean skipRowImageCheck)
            throws SQLException
    {
        List<String> problems = binlogProblems(connection, skipRowImageCheck);
        if (!problems.isEmpty()) {
            throw new FerryException("the source binlog is not usable: " + String.join("; ", problems));
        }
    }

    /**
     * What {@link #checkBinlogSettings} fails on, each with what to change; empty when the binlog suits ferry.
     */
    public static List<String> binlogProblems(Connection connection, boolean skipRowImageCheck)
            throws SQLException
    {
        SourceFlavor flavor = flavor(connection);
        List<String> problems = new ArrayList<>();
        String logBin = variable(connection, "log_bin");
        if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
            problems.add("binary logging is off: start the server with log_bin (log-bin=<basename> in my.cnf)");
        }
        String format = variable(connection, "binlog_format");
        if (!"ROW".equalsIgnoreCase(format)) {
            problems.add("binlog_format is " + format + ", ferry needs ROW: run SET GLOBAL binlog_format=ROW and add "
                    + "binlog_format=ROW under [mysqld] in my.cnf; connections opened before the change keep logging in the "
                    + "old format until they reconnect");
        }
        if (!skipRowImageCheck) {
            String image = variable(connection, "binlog_row_image");
            if (image != null && !"FULL".equalsIgnoreCase(image)) {
                problems.add("binlog_row_image is " + image + ", ferry needs FULL: run SET GLOBAL binlog_row_image=FULL and add "
                        + "binlog_row_image=FULL under [mysqld] in my.cnf; connections opened before the change keep the old "
                        + "value until they reconnect");
            }
        }
        if (flavor == SourceFlavor.MYSQL) {
            String compression = optionalVariable(connection, "binlog_transaction_compression");
            if ("1".equals(compression) || "ON".equalsIgnoreCase(compression)) {
                problems.add("binlog_transaction_compression is ON, which ferry cannot read: run SET GLOBAL "
                        + "binlog_transaction_compression=OFF and set it in my.cnf; sessions keep their value until they reconnect");
            }
            String valueOptions = optionalVariable(connection, "binlog_row_value_options");
            if (valueOptions != null && valueOptions.toUpperCase(Locale.ROOT).contains("PARTIAL_JSON")) {
                problems.add("binlog_row_value_options is PARTIAL_JSON, which logs partial JSON updates ferry cannot apply: run "
                        + "SET GLOBAL binlog_row_value_options='' and set it in my.cnf; sessions keep their value until they reconnect");
            }
        }
        else {
            String compress = optionalVariable(connection, "log_bin_compress");
            if ("1".equals(compress) || "ON".equalsIgnoreCase(compress)) {
                problems.add("log_bin_compress is ON, which ferry cannot read: run SET GLOBAL log_bin_compress=OFF and set it in my.cnf");
            }
        }
        return problems;
    }

    /**
     * The source's current binlog position (the end of the binlog) with its executed GTID set.
     * MySQL 8.4+: {@code SHOW BINARY LOG STATUS}; older MySQL and MariaDB: {@code SHOW MASTER
     * STATUS}. GTIDs: MySQL's {@code Executed_Gtid_Set} column (read in the same statement, so it
     * matches the position exactly), else {@code @@gtid_executed}; MariaDB's
     * {@code BINLOG_GTID_POS(file, offset)} (exact for that position), else
     * {@code @@gtid_binlog_pos}. The gtid set is null when GTIDs are off.
     *
     * @throws FerryException when binary logging is off
     */
    public static BinlogPosition currentPosition(Connection connection)
            throws SQLException
    {
        return currentPosition(connection, true);
    }

    /**
     * The source's current binlog file and offset, without its GTID set: for waits that compare
     * positions (a table's barrier, the cutover's catch-up), which {@link BinlogPosition} orders by
     * file and offset. Cheaper on MariaDB, whose {@code BINLOG_GTID_POS} reads the binlog file
     * from its start (tens of milliseconds for a file of a few hundred MB).
     *
     * @throws FerryException when binary logging is off
     */
    public static BinlogPosition currentFileAndOffset(Connection connection)
            throws SQLException
    {
        return currentPosition(connection, false);
    }

    private static BinlogPosition currentPosition(Connection connection, boolean withGtids)
            throws SQLException
    {
        SourceFlavor flavor = flavor(connection);
        try (Statement statement = connection.createStatement()) {
            String binlogFile;
            long binlogOffset;
            String gtidSet = null;
            try (ResultSet result = binlogStatus(statement, flavor)) {
                if (!result.next()) {
                    throw new FerryException("binary logging is off on the source: start the server with log_bin (log-bin=<basename> in my.cnf)");
                }
                binlogFile = result.getString(1);
                binlogOffset = result.getLong(2);
                if (flavor == SourceFlavor.MYSQL && hasColumn(result.getMetaData(), "Executed_Gtid_Set")) {
                    gtidSet = result.getString("Executed_Gtid_Set");
                }
            }
            if (!withGtids) {
                return new BinlogPosition(binlogFile, binlogOffset, null);
            }
            if (flavor == SourceFlavor.MYSQL) {
                if (gtidSet == null) {
                    gtidSet = optionalVariable(connection, "gtid_executed");
                }
                gtidSet = gtidSet == null || gtidSet.isBlank() ? null : gtidSet.replace("\n", "");
            }
            else {
                gtidSet = mariaDbGtidPosition(connection, binlogFile, binlogOffset);
            }
            return new BinlogPosition(binlogFile, binlogOffset, gtidSet);
        }
    }

    /**
     * Why streaming cannot start at {@code position}: its file is gone from the source ({@code SHOW
     * BINARY LOGS}), the offset is past the file's end, or no event starts there ({@code SHOW BINLOG
     * EVENTS ... FROM offset LIMIT 1} fails or names another offset). Empty when an event starts
     * there, or the offset is the end of the file (the next event will).
     */
    public static Optional<String> positionProblem(Connection connection, BinlogPosition position)
            throws SQLException
    {
        Map<String, Long> files = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW BINARY LOGS")) {
            while (result.next()) {
                files.put(result.getString(1), result.getLong(2));
            }
        }
        String at = position.file() + ":" + position.offset();
        Long size = files.get(position.file());
        if (size == null) {
            return Optional.of("binlog file " + position.file() + " is no longer on the source (purged: its oldest binlog is "
                    + (files.isEmpty() ? "none" : files.keySet().iterator().next()) + "), so the changes since " + at
                    + " cannot be read: start the move over (remove the state), and keep binlogs longer than a move may be stopped "
                    + "(binlog_expire_logs_seconds, expire_logs_days)");
        }
        if (position.offset() > size) {
            return Optional.of("position " + at + " is past the end of " + position.file() + " (" + size + " bytes): the state does not "
                    + "belong to this source, or was edited");
        }
        if (position.offset() <= 4 || position.offset() == size) {
            return Optional.empty();
        }
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW BINLOG EVENTS IN '" + position.file().replace("'", "''") + "' FROM "
                        + position.offset() + " LIMIT 1")) {
            if (result.next() && result.getLong("Pos") == position.offset()) {
                return Optional.empty();
            }
        }
        catch (SQLException e) {
            return Optional.of("no binlog event starts at " + at + " (the source says: " + e.getMessage() + "): the state does not "
                    + "belong to this source, or was edited");
        }
        return Optional.of("no binlog event starts at " + at + ": the state does not belong to this source, or was edited");
    }

    private static ResultSet binlogStatus(Statement statement, SourceFlavor flavor)
            throws SQLException
    {
        if (flavor == SourceFlavor.MYSQL) {
            try {
                // MySQL 8.2+; 8.4 removed SHOW MASTER STATUS
                return statement.executeQuery("SHOW BINARY LOG STATUS");
            }
            catch (SQLException e) {
                return statement.executeQuery("SHOW MASTER STATUS");
            }
        }
        return statement.executeQuery("SHOW MASTER STATUS");
    }

    static String mariaDbGtidPosition(Connection connection, String binlogFile, long binlogOffset)
            throws SQLException
    {
        try (var statement = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            statement.setString(1, binlogFile);
            statement.setLong(2, binlogOffset);
            try (ResultSet result = statement.executeQuery()) {
                if (result.next() && result.getString(1) != null) {
                    return result.getString(1);
                }
            }
        }
        catch (SQLException e) {
            // the binlog file may be gone (purged); the current state is the best left
        }
        return optionalVariable(connection, "gtid_binlog_pos");
    }

    private static boolean hasColumn(ResultSetMetaData metadata, String name)
            throws SQLException
    {
        for (int i = 1; i <= metadata.getColumnCount(); i++) {
            if (name.equalsIgnoreCase(metadata.getColumnLabel(i))) {
                return true;
            }
        }
        return false;
    }

    private static String variable(Connection connection, String name)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT @@GLOBAL." + name)) {
            result.next();
            return result.getString(1);
        }
    }

    private static String optionalVariable(Connection connection, String name)
    {
        try {
            return variable(connection, name);
        }
        catch (SQLException e) {
            // the variable does not exist in this server version
            return null;
        }
    }
}
