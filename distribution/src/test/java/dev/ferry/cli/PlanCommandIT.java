package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@RealServers
class PlanCommandIT
{
    @Test
    void aCleanDatabaseListsTablesKeysRangesAndObjectsAndWritesNothing(TestDatabase db, @TempDir Path temp)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, amount INT NOT NULL)",
                "INSERT INTO orders SELECT seq, seq % 100 FROM seq_1_to_5000",
                "ANALYZE TABLE orders",
                "CREATE TABLE order_lines (id INT NOT NULL PRIMARY KEY, order_id INT NOT NULL, FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE)",
                "CREATE VIEW big_orders AS SELECT id FROM orders WHERE amount > 50",
                "CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.amount = ABS(NEW.amount)");
        Path config = Files.writeString(temp.resolve("plan.yaml"), config(db, db.source().user(), db.target().user(), "copy:\n  rangeSize: 1000\n"));
        Map<String, String> environment = environment(db.source().password(), db.target().password());

        CliRun run = CliRun.run(environment, "plan", "--config", config.toString());
        assertEquals(0, run.exitCode(), run.toString());
        // the row estimate is the server's (InnoDB samples), so the number of ranges is not fixed
        assertTrue(run.out().contains(db.name() + ".orders -> " + db.name() + ".orders: ~"), run.toString());
        assertTrue(run.out().contains("key (id), "), run.toString());
        assertTrue(run.out().contains("    ranges: [start, "), run.toString());
        assertTrue(run.out().contains("foreign key "), run.toString());
        assertTrue(run.out().contains("view " + db.name() + ".big_orders (at start"), run.toString());
        assertTrue(run.out().contains("trigger " + db.name() + ".orders_bi (at cutover"), run.toString());
        assertTrue(run.out().contains("target writes: writes to the moved tables on the target by anything other than this run are watched"),
                run.toString());
        assertTrue(run.out().contains("no problems: copydb would start"), run.toString());
        assertEquals(0, db.target().queryLong("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + db.name() + "'"),
                "plan writes nothing to the target");

        CliRun json = CliRun.run(environment, "plan", "--json", "--config", config.toString());
        assertEquals(0, json.exitCode(), json.toString());
        JsonNode plan = new ObjectMapper().readTree(json.out());
        assertTrue(plan.get("wouldStart").asBoolean());
        assertEquals(2, plan.get("tables").size());
        assertEquals("id", plan.get("tables").get(0).get("paginationKey").get(0).asText());
        assertEquals(2, plan.get("objects").size());
        assertTrue(plan.get("targetWrites").asText().contains("are watched in the target's binlog"), plan.toString());
    }

    /**
     * The watch of the target's binlog for writes by others needs REPLICATION SLAVE and BINLOG
     * MONITOR on the target; without them the plan names the grants and the way out, and with the
     * watch turned off it says what that means.
     */
    @Test
    void aTargetUserThatCannotReadTheBinlogIsABlockerUnlessTheWatchIsOff(TestDatabase db, @TempDir Path temp)
            throws Exception
    {
        db.executeOnSource("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)");
        String user = "plan_" + Long.toHexString(System.nanoTime() & 0xffffff);
        String password = "Pl4n-" + user;
        MySqlServer target = db.target();
        target.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, LOCK TABLES ON *.* TO '" + user + "'@'%'");
        try {
            String objectsOff = "schemaObjects: {views: false, triggers: false, routines: false, events: false}\n";
            Path watched = Files.writeString(temp.resolve("watched.yaml"), config(db, db.source().user(), user, objectsOff));
            CliRun run = CliRun.run(environment(db.source().password(), password), "plan", "--json", "--config", watched.toString());
            assertEquals(2, run.exitCode(), run.toString());
            JsonNode plan = new ObjectMapper().readTree(run.out());
            String problems = plan.get("problems").toString();
            assertTrue(problems.contains("ferry's target user " + user + " lacks REPLICATION SLAVE or REPLICATION REPLICA, BINLOG MONITOR or "
                    + "REPLICATION CLIENT or SUPER on the target, which it needs to read the target's binlog for writes to the moved tables by "
                    + "others (verifier.watchTargetWrites): grant them (docs/privileges.md), or set verifier.watchTargetWrites: false"), problems);
            assertEquals(1, plan.get("problems").size(), problems);

            Path off = Files.writeString(temp.resolve("off.yaml"), config(db, db.source().user(), user,
                    objectsOff + "verifier: {type: none, watchTargetWrites: false}\n"));
            CliRun unwatched = CliRun.run(environment(db.source().password(), password), "plan", "--config", off.toString());
            assertEquals(0, unwatched.exitCode(), unwatched.toString());
            assertTrue(unwatched.out().contains("target writes: writes to the target by others are not watched (verifier.watchTargetWrites: false)"),
                    unwatched.toString());
            assertFalse(unwatched.out().contains(password), "passwords are never printed");
        }
        finally {
            target.execute("DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void blockersAreListedWithTheirFixes(TestDatabase db, @TempDir Path temp)
            throws Exception
    {
        db.executeOnSource("CREATE TABLE keyless (v INT)");
        String user = "plan_" + Long.toHexString(System.nanoTime() & 0xffffff);
        String password = "Pl4n-" + user;
        MySqlServer source = db.source();
        source.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'", "GRANT SELECT ON *.* TO '" + user + "'@'%'");
        try {
            Path config = Files.writeString(temp.resolve("plan.yaml"), config(db, user, db.target().user(), ""));
            CliRun run = CliRun.run(environment(password, db.target().password()), "plan", "--json", "--config", config.toString());
            assertEquals(2, run.exitCode(), run.toString());
            JsonNode plan = new ObjectMapper().readTree(run.out());
            assertFalse(plan.get("wouldStart").asBoolean());
            String problems = plan.get("problems").toString();
            assertTrue(problems.contains("keyless has no primary key: set copy.paginationColumns"), problems);
            assertTrue(problems.contains("ferry's source user " + user + " lacks REPLICATION SLAVE"), problems);
            assertTrue(problems.contains("grant them (docs/privileges.md)"), problems);
            assertFalse(run.out().contains(password), "passwords are never printed");
        }
        finally {
            source.execute("DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void aSourceWithoutFullRowImagesIsABlocker(TestDatabase db, @TempDir Path temp)
            throws Exception
    {
        db.executeOnSource("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)");
        MySqlServer source = db.source();
        String image = source.query("SELECT @@GLOBAL.binlog_row_image").get(0).get(0);
        Path config = Files.writeString(temp.resolve("plan.yaml"), config(db, db.source().user(), db.target().user(), ""));
        // a global change for a moment: the harness opens a connection per statement, so no pooled
        // session of a later test keeps the MINIMAL value
        source.execute("SET GLOBAL binlog_row_image = 'MINIMAL'");
        CliRun run;
        try {
            run = CliRun.run(environment(db.source().password(), db.target().password()), "plan", "--json", "--config", config.toString());
        }
        finally {
            source.execute("SET GLOBAL binlog_row_image = '" + image + "'");
        }
        assertEquals(2, run.exitCode(), run.toString());
        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertFalse(plan.get("wouldStart").asBoolean());
        String problems = plan.get("problems").toString();
        assertTrue(problems.contains("binlog_row_image is MINIMAL, ferry needs FULL: run SET GLOBAL binlog_row_image=FULL"), problems);
        assertFalse(problems.contains("has no primary key"), problems);
    }

    @Test
    void aTargetThatIsTheSourceUnderAnotherNameIsABlocker(TestDatabase db, @TempDir Path temp)
            throws Exception
    {
        db.executeOnSource("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)");
        MySqlServer source = db.source();
        // the same server under another name
        String alias = source.host().equals("127.0.0.1") ? "localhost" : InetAddress.getByName(source.host()).getHostAddress();
        String yaml = server("source", source, source.user())
                + "target:\n  host: " + alias + "\n  port: " + source.port() + "\n  user: " + source.user()
                + "\n  passwordEnv: PLAN_TARGET_PASSWORD\n  tls:\n    mode: disabled\n"
                + "tableFilter:\n  type: names\n  databases: [\"" + db.name() + "\"]\n"
                + "control:\n  enabled: false\n";
        Path config = Files.writeString(temp.resolve("plan.yaml"), yaml);
        CliRun run = CliRun.run(environment(source.password(), source.password()), "plan", "--json", "--config", config.toString());
        assertEquals(2, run.exitCode(), run.toString());
        String problems = new ObjectMapper().readTree(run.out()).get("problems").toString();
        assertTrue(problems.contains("source " + source.user() + "@" + source.host() + ":" + source.port() + " and target " + source.user() + "@" + alias
                + ":" + source.port()
                + " are the same server"), problems);
        assertTrue(problems.contains("set rewrites.databases to move the tables into other databases of this one"), problems);
    }

    private static String config(TestDatabase db, String sourceUser, String targetUser, String extra)
    {
        return server("source", db.source(), sourceUser) + server("target", db.target(), targetUser)
                + "tableFilter:\n  type: names\n  databases: [\"" + db.name() + "\"]\n"
                + "control:\n  enabled: false\n" + extra;
    }

    private static String server(String key, MySqlServer server, String user)
    {
        return key + ":\n  host: " + server.host() + "\n  port: " + server.port() + "\n  user: " + user
                + "\n  passwordEnv: PLAN_" + key.toUpperCase() + "_PASSWORD\n  tls:\n    mode: disabled\n";
    }

    private static Map<String, String> environment(String sourcePassword, String targetPassword)
    {
        return Map.of("PLAN_SOURCE_PASSWORD", sourcePassword, "PLAN_TARGET_PASSWORD", targetPassword);
    }
}
