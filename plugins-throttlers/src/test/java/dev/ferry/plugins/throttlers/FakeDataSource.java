package dev.ferry.plugins.throttlers;

import javax.sql.DataSource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DataSource} whose every query answers with the rows (or the error) set last. Counts
 * the connections borrowed and records the queries run.
 */
final class FakeDataSource
{
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile Object[][] rows = new Object[0][];
    private volatile SQLException failure;

    /**
     * Answers every query with these rows.
     */
    void answer(Object[]... rows)
    {
        this.rows = rows;
        this.failure = null;
    }

    /**
     * Fails every query.
     */
    void fail(String message)
    {
        this.failure = new SQLException(message);
    }

    int connectionsBorrowed()
    {
        return connections.get();
    }

    List<String> queries()
    {
        return List.copyOf(queries);
    }

    DataSource dataSource()
    {
        return proxy(DataSource.class, (proxy, method, args) -> switch (method.getName()) {
            case "getConnection" -> {
                connections.incrementAndGet();
                yield connection();
            }
            case "toString" -> "FakeDataSource";
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    private Connection connection()
    {
        return proxy(Connection.class, (proxy, method, args) -> switch (method.getName()) {
            case "createStatement" -> statement();
            case "close" -> null;
            case "isClosed" -> false;
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    private Statement statement()
    {
        return proxy(Statement.class, (proxy, method, args) -> switch (method.getName()) {
            case "setQueryTimeout", "close" -> null;
            case "executeQuery" -> {
                queries.add((String) args[0]);
                SQLException error = failure;
                if (error != null) {
                    throw new SQLException(error.getMessage());
                }
                yield resultSet(rows);
            }
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    private static ResultSet resultSet(Object[][] rows)
    {
        int columns = rows.length == 0 ? 1 : rows[0].length;
        ResultSetMetaData metaData = proxy(ResultSetMetaData.class, (proxy, method, args) -> {
            if (method.getName().equals("getColumnCount")) {
                return columns;
            }
            throw new UnsupportedOperationException(method.getName());
        });
        int[] row = {-1};
        return proxy(ResultSet.class, (proxy, method, args) -> switch (method.getName()) {
            case "getMetaData" -> metaData;
            case "next" -> ++row[0] < rows.length;
            case "getObject" -> rows[row[0]][(Integer) args[0] - 1];
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler)
    {
        return (T) Proxy.newProxyInstance(FakeDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
