package dev.ferry.runtime.sql;

import com.mysql.cj.jdbc.result.ResultSetImpl;
import com.mysql.cj.protocol.ResultsetRows;
import dev.ferry.api.model.Row;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads a result set's rows as the raw bytes of every column, as the copy hands them on.
 *
 * <p>With Connector/J, the rows are taken from the driver's own row list:
 * {@code ResultSet.getBytes} takes and releases the connection's lock twice for every value,
 * which on the copy's read path cost more of ferry's CPU than reading the rows off the socket.
 * The bytes are the same {@code ResultSet.getBytes} returns (it returns the driver row's
 * {@code getBytes}). Any other driver, a streamed result, or one already read from is read
 * through JDBC.
 */
public final class ResultRows
{
    private ResultRows() {}

    /**
     * Appends every remaining row of {@code result}, {@code columns} values each, to {@code rows}.
     *
     * @return the bytes read, counting a NULL as one
     */
    public static long readAll(ResultSet result, int columns, List<Row> rows)
            throws SQLException
    {
        ResultsetRows driverRows = driverRows(result);
        if (driverRows == null) {
            return Row.readAll(result, columns, rows);
        }
        long bytes = 0;
        while (driverRows.hasNext()) {
            com.mysql.cj.result.Row row = driverRows.next();
            byte[][] values = new byte[columns][];
            for (int i = 0; i < columns; i++) {
                byte[] value = row.getBytes(i);
                values[i] = value;
                bytes += value == null ? 1 : value.length;
            }
            rows.add(Row.wrap(values));
        }
        return bytes;
    }

    private static ResultsetRows driverRows(ResultSet result)
            throws SQLException
    {
        if (!result.isWrapperFor(ResultSetImpl.class)) {
            return null;
        }
        ResultSetImpl driver = result.unwrap(ResultSetImpl.class);
        ResultsetRows rows = driver.getRows();
        // only a whole result held in memory and not yet read from, so that the driver's cursor
        // and its row list agree (a streamed result is read through JDBC)
        if (rows == null || rows.isDynamic() || !driver.isBeforeFirst()) {
            return null;
        }
        return rows;
    }
}
