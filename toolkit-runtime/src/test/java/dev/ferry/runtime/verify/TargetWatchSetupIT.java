package dev.ferry.runtime.verify;

import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.ServerFlavor;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link TargetWatchSetup} finds on a real target: whether its binlog can be watched, and how
 * ferry's sessions get their statement texts logged. Two cases change a global setting of the
 * target for a moment (and put it back): run them on servers of your own only.
 */
@RealServers
class TargetWatchSetupIT
{
    @Test
    void aSessionThatMaySetItLogsItsStatementTexts(TestDatabase db)
            throws Exception
    {
        FerryConfig config = config(db, "");
        String variable = variable(db.target());
        try (Connection admin = db.target().openAdmin()) {
            TargetWatchSetup setup = TargetWatchSetup.probe(config, admin);
            assertEquals(TargetWatchSetup.Status.WATCHED, setup.status(), setup.toString());
            assertEquals(variable + " = ON", setup.sessionSettings());
            assertEquals(List.of(), setup.problems());
            assertTrue(on(admin, "@@SESSION." + variable));
        }
    }

    @Test
    void ferrysUserReliesOnTheGlobalSettingOrIsToldWhatToDo(TestDatabase db)
            throws Exception
    {
        FerryConfig config = config(db, "");
        MySqlServer target = db.target();
        String variable = variable(target);
        // the documented grants hold no BINLOG ADMIN: the global value has to do it
        try (Connection ferry = target.open()) {
            TargetWatchSetup setup = TargetWatchSetup.probe(config, ferry);
            assertEquals(TargetWatchSetup.Status.WATCHED, setup.status(), setup.toString());
            assertEquals("", setup.sessionSettings());
            assertEquals(List.of(), setup.problems());
            assertTrue(setup.description().contains(variable + " is ON on the target"), setup.description());
        }
        target.execute("SET GLOBAL " + variable + " = OFF");
        try (Connection ferry = target.open()) {
            TargetWatchSetup setup = TargetWatchSetup.probe(config, ferry);
            assertEquals(1, setup.problems().size(), setup.toString());
            assertTrue(setup.problems().get(0).contains("run SET GLOBAL " + variable + " = ON on the target"), setup.problems().get(0));
            assertTrue(setup.problems().get(0).contains("or set verifier.watchTargetWrites: false"), setup.problems().get(0));
        }
        finally {
            target.execute("SET GLOBAL " + variable + " = ON");
        }
    }

    @Test
    void aTargetWithoutARowBinlogCannotBeWatchedAndSaysSo(TestDatabase db)
            throws Exception
    {
        FerryConfig config = config(db, "");
        MySqlServer target = db.target();
        target.execute("SET GLOBAL binlog_format = MIXED");
        try (Connection ferry = target.open()) {
            TargetWatchSetup setup = TargetWatchSetup.probe(config, ferry);
            assertEquals(TargetWatchSetup.Status.UNAVAILABLE, setup.status());
            assertEquals(List.of(), setup.problems(), "a warning, not a refusal");
            assertTrue(setup.description().startsWith("writes to the target by others CANNOT be detected: binlog_format is MIXED"), setup.description());
        }
        finally {
            target.execute("SET GLOBAL binlog_format = ROW");
        }
    }

    @Test
    void aRunWithTheWatchOffAsksNothing(TestDatabase db)
            throws Exception
    {
        TargetWatchSetup setup = TargetWatchSetup.probe(config(db, "verifier:\n  type: none\n  watchTargetWrites: false\n"));
        assertEquals(TargetWatchSetup.Status.OFF, setup.status());
        assertEquals(null, setup.flavor(), "the target was not asked");
    }

    private static FerryConfig config(TestDatabase db, String extra)
    {
        String yaml = TestingFerry.config(db.servers(), db.name(), extra);
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("test.yaml"), yaml, TestingFerry.environment(db.servers())::get);
        assertEquals(List.of(), loaded.problems());
        return loaded.config();
    }

    private static String variable(MySqlServer server)
    {
        return server.flavor() == ServerFlavor.MARIADB ? "binlog_annotate_row_events" : "binlog_rows_query_log_events";
    }

    private static boolean on(Connection connection, String expression)
            throws Exception
    {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT " + expression)) {
            result.next();
            return result.getBoolean(1);
        }
    }
}
