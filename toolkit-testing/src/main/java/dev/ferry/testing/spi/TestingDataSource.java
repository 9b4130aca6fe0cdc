package dev.ferry.testing.spi;

import dev.ferry.testing.MySqlServer;

import javax.sql.DataSource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * An unpooled {@link DataSource} for plugin tests: a new connection per call, optionally with
 * session settings run on each; or, from {@link #unconnected}, one that throws
 * {@link IllegalStateException} as ferry's do during {@code ferry validate}. Thread-safe.
 * The password never appears in {@link #toString}.
 */
public final class TestingDataSource
        implements DataSource
{
    private final String url;
    private final String user;
    private final String password;
    private final String sessionSql;
    private final AtomicInteger opened = new AtomicInteger();

    private TestingDataSource(String url, String user, String password, String sessionSql)
    {
        this.url = url;
        this.user = user;
        this.password = password;
        this.sessionSql = sessionSql;
    }

    /**
     * Connections to {@code database} ({@code ""} for none) as the server's unprivileged ferry user.
     */
    public static TestingDataSource of(MySqlServer server, String database)
    {
        requireNonNull(server, "server is null");
        return of(server.jdbcUrl(database), server.user(), server.password());
    }

    /**
     * Connections to a JDBC URL.
     */
    public static TestingDataSource of(String url, String user, String password)
    {
        return new TestingDataSource(requireNonNull(url, "url is null"), requireNonNull(user, "user is null"), requireNonNull(password, "password is null"), null);
    }

    /**
     * A data source with no database behind it: every {@code getConnection} throws
     * {@link IllegalStateException}, as during {@code ferry validate}.
     */
    public static TestingDataSource unconnected()
    {
        return new TestingDataSource(null, null, null, null);
    }

    /**
     * The same connections with {@code sql} (e.g. ferry's session settings) run on each new one.
     */
    public TestingDataSource withSessionSql(String sql)
    {
        if (url == null) {
            throw new IllegalStateException("an unconnected data source has no sessions");
        }
        return new TestingDataSource(url, user, password, requireNonNull(sql, "sql is null"));
    }

    /**
     * How many connections were handed out.
     */
    public int connectionsOpened()
    {
        return opened.get();
    }

    @Override
    public Connection getConnection()
            throws SQLException
    {
        if (url == null) {
            throw new IllegalStateException("no database is connected (as during ferry validate)");
        }
        Connection connection = DriverManager.getConnection(url, user, password);
        if (sessionSql != null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sessionSql);
            }
            catch (SQLException | RuntimeException e) {
                try {
                    connection.close();
                }
                catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        opened.incrementAndGet();
        return connection;
    }

    @Override
    public Connection getConnection(String username, String password)
            throws SQLException
    {
        throw new SQLFeatureNotSupportedException("a TestingDataSource connects as its own user");
    }

    @Override
    public PrintWriter getLogWriter()
    {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out)
    {
    }

    @Override
    public void setLoginTimeout(int seconds)
    {
    }

    @Override
    public int getLoginTimeout()
    {
        return 0;
    }

    @Override
    public Logger getParentLogger()
            throws SQLFeatureNotSupportedException
    {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type)
            throws SQLException
    {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type)
    {
        return false;
    }

    @Override
    public String toString()
    {
        return url == null ? "TestingDataSource[unconnected]" : "TestingDataSource[" + user + " at " + url + "]";
    }
}
