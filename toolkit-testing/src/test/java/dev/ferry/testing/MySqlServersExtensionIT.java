package dev.ferry.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.opentest4j.AssertionFailedError;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

@RealServers
class MySqlServersExtensionIT
{
    private static final String SELF_TEST_PROPERTY = "ferry.testing.self-test";
    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();
    private static final Set<String> PASSED = ConcurrentHashMap.newKeySet();

    private static ServerPair pair;
    private TestDatabase fromBeforeEach;

    @BeforeEach
    void rememberDatabase(TestDatabase database, ServerPair servers)
    {
        fromBeforeEach = database;
        pair = servers;
    }

    @AfterAll
    static void databasesOfPassingTestsAreGone()
    {
        // runs after the extension's afterEach callbacks of every test of this class
        for (String name : PASSED) {
            assertEquals(0, schemaCount(pair.source(), name), name + " left on source");
            assertEquals(0, schemaCount(pair.target(), name), name + " left on target");
        }
    }

    @Test
    void serversAnswerAsAdminAndAsFerry(ServerPair servers)
            throws SQLException
    {
        MySqlServer source = servers.source();
        MySqlServer target = servers.target();
        assertTrue(servers.describe().contains(source.version()), servers.describe());
        assertEquals(source.flavor(), ServerFlavor.fromVersion(source.version()));
        assertNotEquals(source.queryLong("SELECT @@server_id"), target.queryLong("SELECT @@server_id"));
        assertEquals(List.of(List.of("1", "ROW", "FULL", "FULL")),
                source.query("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata"));

        // the ferry user has what ferry needs on the source, and no more
        try (Connection connection = source.open();
                Statement statement = connection.createStatement()) {
            assertEquals("ferry", firstValue(statement, "SELECT CURRENT_USER()").split("@")[0]);
            String status = source.flavor() == ServerFlavor.MARIADB ? "SHOW MASTER STATUS" : "SHOW BINARY LOG STATUS";
            assertTrue(firstValue(statement, status).length() > 0, status);
            SQLException denied = assertThrows(SQLException.class, () -> statement.execute("CREATE DATABASE ferry_must_not_create"));
            assertTrue(denied.getMessage().contains("denied"), denied.getMessage());
        }
        assertTrue(source.toString().contains(String.valueOf(source.port())));
        assertTrue(!source.toString().contains(source.password()) && !source.toString().contains(source.adminPassword()), source.toString());
    }

    @Test
    void eachTestGetsItsOwnEmptySourceDatabaseAbsentFromTarget(TestDatabase database)
            throws SQLException
    {
        assertSame(fromBeforeEach, database);
        assertTrue(database.name().matches("mysqlserversextensionit_eachtestgetsitsown[a-z]*_[a-z0-9]{6}"), database.name());
        assertEquals(64, database.name().length(), database.name());
        assertEquals(1, schemaCount(database.source(), database.name()));
        assertEquals(0, schemaCount(database.target(), database.name()));
        assertEquals(0, database.source().queryLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + database.name() + "'"));

        // the ferry user can build the target database itself
        try (Connection connection = database.target().open();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database.name());
            statement.execute("CREATE TABLE " + database.name() + ".t (id INT PRIMARY KEY)");
            statement.execute("INSERT INTO " + database.name() + ".t VALUES (1)");
        }
        assertEquals(1, database.target().queryLong("SELECT COUNT(*) FROM " + database.name() + ".t"));
        record(database);
    }

    @RepeatedTest(3)
    void repeatedTestsGetDistinctDatabases(TestDatabase database)
    {
        assertTrue(NAMES.add(database.name()), "name reused: " + database.name());
        record(database);
    }

    @Test
    void equalDatabasesPass(TestDatabase database)
    {
        createSampleData(database);
        database.assertTargetEqualsSource();
        record(database);
    }

    @Test
    void oneChangedByteInABlobFails(TestDatabase database)
    {
        createSampleData(database);
        database.executeOnTarget("UPDATE blobs SET payload = CONCAT(LEFT(payload, 100), 0xEE, SUBSTRING(payload, 102)) WHERE id = 777");
        assertEquals(1, database.target().queryLong(
                "SELECT COUNT(*) FROM " + database.name() + ".blobs WHERE id = 777 AND LENGTH(payload) = 300"));

        AssertionFailedError failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        String message = failure.getMessage();
        assertTrue(message.startsWith("table `" + database.name() + "`.`blobs`, row 777 with key (id='777'): column `payload` (blob) differs at byte 100: source ..."), message);
        assertTrue(message.contains("ee"), message);
        assertTrue(message.contains("(300 bytes)"), message);
        record(database);
    }

    @Test
    void aChangedLatin1CharacterFails(TestDatabase database)
    {
        createSampleData(database);
        database.executeOnTarget("UPDATE texts SET latin = 'caf\u00e8' WHERE code = 'b'");
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertEquals("table `" + database.name() + "`.`texts`, row 2 with key (code='b'): column `latin` (varchar(20)) differs at byte 3: "
                + "source 'caf\u00e9', target 'caf\u00e8'", failure.getMessage());
        record(database);
    }

    @Test
    void aMissingRowFails(TestDatabase database)
    {
        createSampleData(database);
        database.executeOnTarget("DELETE FROM blobs WHERE id = 1500");
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertEquals("table `" + database.name() + "`.`blobs`: row with key (id='1500') is on the source but missing on the target "
                + "(source has 2000 rows, target 1999)", failure.getMessage());

        database.executeOnTarget("INSERT INTO blobs VALUES (1500, 0x00), (2001, 0x00)");
        database.executeOnTarget("DELETE FROM blobs WHERE id = 1500");
        failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertTrue(failure.getMessage().contains("row with key (id='1500') is on the source but missing on the target"), failure.getMessage());

        database.executeOnTarget("DELETE FROM blobs WHERE id = 2001");
        database.executeOnSource("DELETE FROM blobs WHERE id = 2000");
        failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertTrue(failure.getMessage().contains("row with key (id='1500') is on the source but missing on the target"), failure.getMessage());

        database.executeOnSource("DELETE FROM blobs WHERE id = 1500");
        failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertTrue(failure.getMessage().contains("row with key (id='2000') is on the target but not on the source"), failure.getMessage());
        record(database);
    }

    @Test
    void rowsOfATableWithoutKeyAreCompared(TestDatabase database)
    {
        createSampleData(database);
        database.executeOnTarget("UPDATE no_key SET note = 'X' WHERE note = 'x' LIMIT 1");
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertTrue(failure.getMessage().startsWith("table `" + database.name() + "`.`no_key`"), failure.getMessage());
        record(database);
    }

    @Test
    void differentTableSetsFail(TestDatabase database)
    {
        createSampleData(database);
        database.executeOnTarget("CREATE TABLE extra (id INT PRIMARY KEY)", "DROP TABLE texts");
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertTrue(failure.getMessage().contains("missing on target [texts], extra on target [extra]"), failure.getMessage());
        record(database);
    }

    @Test
    void aMissingTargetDatabaseFails(TestDatabase database)
    {
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertTrue(failure.getMessage().startsWith("database `" + database.name() + "` does not exist on the target"), failure.getMessage());
        record(database);
    }

    @Test
    void largeTablesAreStreamed(TestDatabase database)
    {
        // 200,000 rows of about 1 kB on each server
        for (MySqlServer server : List.of(database.source(), database.target())) {
            server.execute("CREATE DATABASE IF NOT EXISTS " + database.name());
            server.executeIn(database.name(),
                    "CREATE TABLE digits (d INT PRIMARY KEY)",
                    "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
                    "CREATE TABLE big (id INT PRIMARY KEY, payload BLOB)",
                    "INSERT INTO big SELECT n, REPEAT(UNHEX(SHA2(n, 256)), 32) FROM "
                            + "(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n "
                            + "FROM digits a, digits b, digits c, digits e, digits f, (SELECT d FROM digits WHERE d < 2) g) numbers");
        }
        long started = System.nanoTime();
        database.assertTargetEqualsSource();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.err.printf("[ferry-testing] compared 200000 rows (about 200 MB) in %d ms%n", millis);

        database.executeOnTarget("UPDATE big SET payload = REPEAT(0x00, 1024) WHERE id = 199999");
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, database::assertTargetEqualsSource);
        assertTrue(failure.getMessage().contains("row 200000 with key (id='199999')"), failure.getMessage());
        record(database);
    }

    @Test
    void aFailingTestKeepsItsDatabase()
    {
        EngineExecutionResults results;
        System.setProperty(SELF_TEST_PROPERTY, "true");
        try {
            results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingTest.class)).execute();
        }
        finally {
            System.clearProperty(SELF_TEST_PROPERTY);
        }
        results.testEvents().assertStatistics(stats -> stats.started(2).failed(1).succeeded(1));
        String kept = FailingTest.failed;
        String dropped = FailingTest.passed;
        try {
            assertEquals(1, schemaCount(pair.source(), kept), "database of the failing test kept on source");
            assertEquals(1, schemaCount(pair.target(), kept), "database of the failing test kept on target");
            assertEquals(0, schemaCount(pair.source(), dropped), "database of the passing test dropped on source");
            assertEquals(0, schemaCount(pair.target(), dropped), "database of the passing test dropped on target");
        }
        finally {
            pair.source().execute("DROP DATABASE IF EXISTS " + kept);
            pair.target().execute("DROP DATABASE IF EXISTS " + kept);
        }
    }

    @RealServers
    @EnabledIfSystemProperty(named = SELF_TEST_PROPERTY, matches = "true")
    static class FailingTest
    {
        static volatile String failed;
        static volatile String passed;

        @Test
        void fails(TestDatabase database)
        {
            failed = database.name();
            database.target().execute("CREATE DATABASE " + database.name());
            throw new AssertionFailedError("deliberate failure");
        }

        @Test
        void passes(TestDatabase database)
        {
            passed = database.name();
            database.target().execute("CREATE DATABASE " + database.name());
        }
    }

    /**
     * The same rows on both servers: a keyed BLOB table, a text table in two character sets and a
     * table without any key.
     */
    private static void createSampleData(TestDatabase database)
    {
        for (MySqlServer server : List.of(database.source(), database.target())) {
            server.execute("CREATE DATABASE IF NOT EXISTS " + database.name());
            server.executeIn(database.name(),
                    "CREATE TABLE digits (d INT PRIMARY KEY)",
                    "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
                    "CREATE TABLE blobs (id INT PRIMARY KEY, payload BLOB)",
                    // bytes 0x00-0xFF, 300 per row
                    "INSERT INTO blobs SELECT n, LEFT(REPEAT(UNHEX(SHA2(n, 256)), 10), 300) FROM "
                            + "(SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS n FROM digits a, digits b, digits c, "
                            + "(SELECT d FROM digits WHERE d < 2) e) numbers",
                    "CREATE TABLE texts (code VARCHAR(10) CHARACTER SET utf8mb4 PRIMARY KEY, "
                            + "latin VARCHAR(20) CHARACTER SET latin1, utf VARCHAR(20) CHARACTER SET utf8mb4, n DECIMAL(10, 2), at DATETIME(6))",
                    "INSERT INTO texts VALUES ('a', 'plain', '\u65e5\u672c', 1.50, '2024-02-29 12:34:56.123456'), "
                            + "('b', 'caf\u00e9', '\uD83D\uDE00', NULL, NULL), ('c', NULL, '', -0.01, '1000-01-01 00:00:00')",
                    "CREATE TABLE no_key (note VARCHAR(10), v INT)",
                    "INSERT INTO no_key VALUES ('x', 1), ('x', 1), ('X', 2), (NULL, NULL)");
        }
    }

    private static void record(TestDatabase database)
    {
        PASSED.add(database.name());
    }

    private static long schemaCount(MySqlServer server, String name)
    {
        return server.queryLong("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "'");
    }

    private static String firstValue(Statement statement, String sql)
            throws SQLException
    {
        try (ResultSet resultSet = statement.executeQuery(sql)) {
            assertTrue(resultSet.next(), "no row from " + sql);
            return resultSet.getString(1);
        }
    }
}
