package dev.ferry.plugins.filters;

import dev.ferry.runtime.sql.SessionSettings;
import dev.ferry.testing.MySqlServer;

import javax.sql.DataSource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * Connections to a test database as the unprivileged ferry user, with ferry's own source session
 * settings (UTC, raw result bytes), so that rows read here are the bytes ferry's copy and binlog
 * decoder produce. A new connection per call.
 */
final class TestingSource
        implements DataSource
{
    private final String url;
    private final String user;
    private final String password;

    TestingSource(MySqlServer server, String database)
    {
        this.url = server.jdbcUrl(database);
        this.user = server.user();
        this.password = server.password();
    }

    @Override
    public Connection getConnection()
            throws SQLException
    {
        Connection connection = DriverManager.getConnection(url, user, password);
        try (Statement statement = connection.createStatement()) {
            statement.execute(SessionSettings.initSql(true, true));
        }
        return connection;
    }

    @Override
    public Connection getConnection(String username, String password)
    {
        throw new UnsupportedOperationException();
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
}
