package dev.ferry.plugins.state;

import dev.ferry.testing.MySqlServer;

import javax.sql.DataSource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * An unpooled {@link DataSource} opening connections to a test server as ferry's unprivileged user.
 */
final class TestingDataSource
        implements DataSource
{
    private final MySqlServer server;

    TestingDataSource(MySqlServer server)
    {
        this.server = requireNonNull(server, "server is null");
    }

    @Override
    public Connection getConnection()
            throws SQLException
    {
        return server.open();
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
