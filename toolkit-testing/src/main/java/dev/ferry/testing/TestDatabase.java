package dev.ferry.testing;

import java.sql.Connection;
import java.sql.SQLException;

import static java.util.Objects.requireNonNull;

/**
 * A database of one test: created empty on the source before the test, absent on the target at
 * the start of the test (under the same name), dropped on both after a passing test and kept
 * after a failing one. Inject it as a parameter of a test, {@code @BeforeEach} or constructor;
 * one injected into a {@code @BeforeAll} method is shared by the class.
 */
public final class TestDatabase
{
    private final String name;
    private final ServerPair servers;

    TestDatabase(String name, ServerPair servers)
    {
        this.name = requireNonNull(name, "name is null");
        this.servers = requireNonNull(servers, "servers is null");
    }

    /**
     * The database name, the same on source and target; safe to use unquoted ({@code [a-z0-9_]}).
     */
    public String name()
    {
        return name;
    }

    public ServerPair servers()
    {
        return servers;
    }

    public MySqlServer source()
    {
        return servers.source();
    }

    public MySqlServer target()
    {
        return servers.target();
    }

    /**
     * Runs statements on the source as the administrator, with this database as the default.
     */
    public void executeOnSource(String... sql)
    {
        source().executeIn(name, sql);
    }

    /**
     * Runs statements on the target as the administrator, with this database as the default. The
     * database does not exist there until something creates it.
     */
    public void executeOnTarget(String... sql)
    {
        target().executeIn(name, sql);
    }

    public String sourceJdbcUrl()
    {
        return source().jdbcUrl(name);
    }

    public String targetJdbcUrl()
    {
        return target().jdbcUrl(name);
    }

    /**
     * A connection to the source as the unprivileged ferry user, with this database as the default.
     */
    public Connection openSource()
            throws SQLException
    {
        return source().open(name);
    }

    /**
     * A connection to the target as the unprivileged ferry user, with this database as the
     * default; fails until the database exists there.
     */
    public Connection openTarget()
            throws SQLException
    {
        return target().open(name);
    }

    /**
     * Fails unless every table of this database has the same rows, byte for byte, on both servers.
     *
     * @see TableAssertions#assertTablesEqual(MySqlServer, String, MySqlServer, String)
     */
    public void assertTargetEqualsSource()
    {
        TableAssertions.assertTablesEqual(source(), name, target(), name);
    }

    void create()
    {
        target().execute("DROP DATABASE IF EXISTS `" + name + "`");
        source().execute("DROP DATABASE IF EXISTS `" + name + "`", "CREATE DATABASE `" + name + "`");
    }

    void drop()
    {
        source().execute("DROP DATABASE IF EXISTS `" + name + "`");
        target().execute("DROP DATABASE IF EXISTS `" + name + "`");
    }

    @Override
    public String toString()
    {
        return name;
    }
}
