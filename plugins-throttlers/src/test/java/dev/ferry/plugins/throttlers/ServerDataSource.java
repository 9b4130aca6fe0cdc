package dev.ferry.plugins.throttlers;

import dev.ferry.testing.MySqlServer;

import javax.sql.DataSource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * A {@link DataSource} opening a new connection per call as a test server's ferry user.
 */
final class ServerDataSource
        implements DataSource
{
    private final MySqlServer server;
    private final String database;

    ServerDataSource(MySqlServer server, String database)
    {
        this.server = requireNonNull(server, "server is null");
        this.database = requireNonNull(database, "database is null");
    }

    @Override
    public Connection getConnection()
            throws SQLException
    {
        return server.open(database);
    }

    @Override
    public Connection getConnection(String username, String password)
            throws SQLException
    {
        throw new SQLFeatureNotSupportedException();
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
