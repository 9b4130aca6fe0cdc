package dev.ferry.runtime.binlog;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Source checks and positions, with the statements of both flavors answered by a fake connection;
 * the MySQL variants cannot run against a real server here.
 */
class SourceChecksTest
{
    private static final List<String> MYSQL_STATUS = List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set");
    private static final List<String> MARIADB_STATUS = List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB");

    @Test
    void flavorFromTheVersion()
    {
        assertEquals(SourceFlavor.MARIADB, SourceFlavor.of("10.11.18-MariaDB-0+deb12u1-log"));
        assertEquals(SourceFlavor.MYSQL, SourceFlavor.of("8.4.3"));
        assertEquals(SourceFlavor.MYSQL, SourceFlavor.of("5.7.44-log"));
    }

    @Test
    void mysql84UsesShowBinaryLogStatusAndItsGtidColumn()
            throws Exception
    {
        FakeJdbc jdbc = mysql("8.4.3")
                .answer("SHOW BINARY LOG STATUS", MYSQL_STATUS, row("binlog.000012", 1570L, "", "", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4e11fa47-71ca-11e1-9e33-c80aa9429562:1-9"));
        BinlogPosition position = SourceServer.currentPosition(jdbc.connection());
        assertEquals(new BinlogPosition("binlog.000012", 1570, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,4e11fa47-71ca-11e1-9e33-c80aa9429562:1-9"), position);
        assertFalse(jdbc.executed().contains("SHOW MASTER STATUS"));
    }

    @Test
    void olderMysqlFallsBackToShowMasterStatus()
            throws Exception
    {
        FakeJdbc jdbc = mysql("8.0.36")
                .answer("SHOW MASTER STATUS", MYSQL_STATUS, row("mysql-bin.000003", 157L, "", "", ""));
        assertEquals(new BinlogPosition("mysql-bin.000003", 157, null), SourceServer.currentPosition(jdbc.connection()));
        assertEquals(List.of("SELECT VERSION()", "SHOW BINARY LOG STATUS", "SHOW MASTER STATUS"), jdbc.executed());
    }

    @Test
    void mariaDbTakesTheGtidOfTheExactPosition()
            throws Exception
    {
        FakeJdbc jdbc = mariaDb()
                .answer("SHOW MASTER STATUS", MARIADB_STATUS, row("bin.000007", 4096L, "", ""))
                .answer("SELECT BINLOG_GTID_POS(?, ?)[bin.000007, 4096]", List.of("pos"), row("0-1-42,1-1-16000"));
        assertEquals(new BinlogPosition("bin.000007", 4096, "0-1-42,1-1-16000"), SourceServer.currentPosition(jdbc.connection()));
        assertFalse(jdbc.executed().contains("SHOW BINARY LOG STATUS"));
    }

    @Test
    void binaryLoggingOff()
    {
        FakeJdbc jdbc = mariaDb().answer("SHOW MASTER STATUS", MARIADB_STATUS, null);
        FerryException e = assertThrows(FerryException.class, () -> SourceServer.currentPosition(jdbc.connection()));
        assertTrue(e.getMessage().contains("binary logging is off"), e.getMessage());
    }

    @Test
    void everyProblemReportedWithWhatToChange()
    {
        FakeJdbc jdbc = mysql("8.0.36")
                .variable("log_bin", 1)
                .variable("binlog_format", "STATEMENT")
                .variable("binlog_row_image", "MINIMAL")
                .variable("binlog_transaction_compression", 1)
                .variable("binlog_row_value_options", "PARTIAL_JSON");
        FerryException e = assertThrows(FerryException.class, () -> SourceServer.checkBinlogSettings(jdbc.connection(), false));
        String message = e.getMessage();
        assertTrue(message.contains("binlog_format is STATEMENT") && message.contains("SET GLOBAL binlog_format=ROW")
                && message.contains("binlog_format=ROW under [mysqld] in my.cnf") && message.contains("keep logging in the old format"), message);
        assertTrue(message.contains("binlog_row_image is MINIMAL") && message.contains("SET GLOBAL binlog_row_image=FULL"), message);
        assertTrue(message.contains("SET GLOBAL binlog_transaction_compression=OFF"), message);
        assertTrue(message.contains("SET GLOBAL binlog_row_value_options=''"), message);
    }

    @Test
    void rowImageCheckCanBeSkipped()
            throws Exception
    {
        FakeJdbc jdbc = mariaDb()
                .variable("log_bin", 1)
                .variable("binlog_format", "ROW")
                .variable("binlog_row_image", "MINIMAL")
                .variable("log_bin_compress", 0);
        SourceServer.checkBinlogSettings(jdbc.connection(), true);
        FerryException e = assertThrows(FerryException.class, () -> SourceServer.checkBinlogSettings(jdbc.connection(), false));
        assertTrue(e.getMessage().contains("binlog_row_image is MINIMAL"), e.getMessage());
    }

    @Test
    void mariaDbCompressionAndBinlogOff()
    {
        FakeJdbc jdbc = mariaDb()
                .variable("log_bin", 0)
                .variable("binlog_format", "MIXED")
                .variable("binlog_row_image", "FULL")
                .variable("log_bin_compress", 1);
        String message = assertThrows(FerryException.class, () -> SourceServer.checkBinlogSettings(jdbc.connection(), false)).getMessage();
        assertTrue(message.contains("binary logging is off") && message.contains("binlog_format is MIXED") && message.contains("log_bin_compress=OFF"), message);
    }

    private static FakeJdbc mysql(String version)
    {
        return new FakeJdbc().answer("SELECT VERSION()", List.of("VERSION()"), row(version));
    }

    private static FakeJdbc mariaDb()
    {
        return new FakeJdbc().answer("SELECT VERSION()", List.of("VERSION()"), row("10.11.18-MariaDB-log"));
    }

    private static List<Object> row(Object... values)
    {
        return Arrays.asList(values);
    }
}
