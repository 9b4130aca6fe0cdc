package dev.ferry.runtime.binlog;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JDBC connection answering fixed queries, for the statements ferry sends to learn about a
 * source (so that MySQL's variants are tested where only MariaDB runs). Unknown queries fail
 * like a syntax error or an unknown variable.
 */
final class FakeJdbc
{
    private final Map<String, Result> results = new HashMap<>();
    private final List<String> executed = new ArrayList<>();

    record Result(List<String> columns, List<List<Object>> rows) {}

    FakeJdbc answer(String sql, List<String> columns, List<Object> row)
    {
        results.put(sql, new Result(columns, row == null ? List.of() : List.of(row)));
        return this;
    }

    FakeJdbc variable(String name, Object value)
    {
        return answer("SELECT @@GLOBAL." + name, List.of("@@GLOBAL." + name), Collections.singletonList(value));
    }

    List<String> executed()
    {
        return executed;
    }

    Connection connection()
    {
        return proxy(Connection.class, (method, args) -> switch (method) {
            case "createStatement" -> statement(null);
            case "prepareStatement" -> statement((String) args[0]);
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private Object statement(String prepared)
    {
        List<Object> parameters = new ArrayList<>();
        Class<? extends Statement> type = prepared == null ? Statement.class : PreparedStatement.class;
        return proxy(type, (method, args) -> switch (method) {
            case "executeQuery" -> resultSet(prepared != null ? prepared + parameters : (String) args[0]);
            case "setString", "setLong" -> {
                parameters.add(args[1]);
                yield null;
            }
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private ResultSet resultSet(String sql)
            throws SQLException
    {
        executed.add(sql);
        Result result = results.get(sql);
        if (result == null) {
            throw new SQLSyntaxErrorException("no answer for " + sql);
        }
        int[] row = {-1};
        return proxy(ResultSet.class, (method, args) -> switch (method) {
            case "next" -> ++row[0] < result.rows().size();
            case "getString" -> {
                Object value = value(result, row[0], args[0]);
                yield value == null ? null : value.toString();
            }
            case "getLong" -> ((Number) value(result, row[0], args[0])).longValue();
            case "getMetaData" -> proxy(ResultSetMetaData.class, (inner, innerArgs) -> switch (inner) {
                case "getColumnCount" -> result.columns().size();
                case "getColumnLabel", "getColumnName" -> result.columns().get((Integer) innerArgs[0] - 1);
                default -> throw new UnsupportedOperationException(inner);
            });
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private static Object value(Result result, int row, Object column)
    {
        int index = column instanceof Integer number ? number - 1 : result.columns().indexOf((String) column);
        return result.rows().get(row).get(index);
    }

    @FunctionalInterface
    private interface Handler
    {
        Object handle(String method, Object[] args)
                throws SQLException;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<? extends T> type, Handler handler)
    {
        return (T) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                throw new UnsupportedOperationException(method.getName());
            }
            return handler.handle(method.getName(), args);
        });
    }
}
