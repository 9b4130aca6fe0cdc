package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Multi-row INSERT statements for one target table: {@code INSERT IGNORE} for the copy,
 * {@code INSERT ... ON DUPLICATE KEY UPDATE} (upsert) for the binlog applier. Values travel as
 * the exact bytes read from the source: bound with {@code setBytes} ({@link #prepare}), or written
 * into the text as the hex literals {@code setBytes} would send ({@link #execute}). Statement
 * texts with placeholders are cached per row count.
 */
public final class InsertStatement
{
    public enum Mode
    {
        /** {@code INSERT IGNORE}: keep the existing row on a duplicate key (the copy). */
        IGNORE,
        /** {@code INSERT ... ON DUPLICATE KEY UPDATE}: replace the existing row (the applier). */
        UPSERT,
        /** {@code INSERT}: for tables without any unique key. */
        PLAIN,
        /**
         * {@code REPLACE}: set the row, removing any other row that holds one of its unique
         * values (the applier, for tables with unique keys besides the one that identifies rows).
         */
        REPLACE
    }

    private static final int CACHED_SIZES = 8;
    /** The protocol's limit of placeholders in one prepared statement. */
    private static final int MAX_PLACEHOLDERS = 65_535;

    private final String prefix;
    private final String rowPlaceholders;
    private final String suffix;
    private final int columnCount;
    // the text around each value of a rendered row: "(" + before[0] + value + after[0] + ","...
    private final String[] before;
    private final String[] after;
    private final String[] cache = new String[CACHED_SIZES];
    private final int[] cacheSizes = new int[CACHED_SIZES];

    /**
     * @param tag put in front of every statement text (see {@link StatementTag})
     */
    public InsertStatement(TableName target, List<Column> columns, Mode mode, StatementTag tag)
    {
        requireNonNull(target, "target is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(tag, "tag is null");
        this.columnCount = columns.size();
        this.prefix = tag.prefix() + (mode == Mode.IGNORE ? "INSERT IGNORE INTO " : mode == Mode.REPLACE ? "REPLACE INTO " : "INSERT INTO ") + target.quoted() + " (" + KeySql.columnList(columns) + ") VALUES ";
        StringBuilder placeholders = new StringBuilder("(");
        for (int i = 0; i < columnCount; i++) {
            placeholders.append(i == 0 ? "" : ",").append(placeholder(columns.get(i)));
        }
        this.rowPlaceholders = placeholders.append(')').toString();
        this.before = new String[columnCount];
        this.after = new String[columnCount];
        for (int i = 0; i < columnCount; i++) {
            String text = placeholder(columns.get(i));
            int at = text.indexOf('?');
            before[i] = (i == 0 ? "(" : ",") + text.substring(0, at);
            after[i] = text.substring(at + 1) + (i == columnCount - 1 ? ")" : "");
        }
        if (mode == Mode.UPSERT) {
            StringBuilder update = new StringBuilder(" ON DUPLICATE KEY UPDATE ");
            for (int i = 0; i < columnCount; i++) {
                if (i > 0) {
                    update.append(", ");
                }
                String name = columns.get(i).quotedName();
                update.append(name).append(" = VALUES(").append(name).append(')');
            }
            this.suffix = update.toString();
        }
        else {
            this.suffix = "";
        }
    }

    /**
     * {@code ?}, or for a MySQL 8 JSON column {@code CONVERT(? USING utf8mb4)}: values are bound as
     * binary strings (the exact bytes), and MySQL refuses to build a JSON value from the binary
     * character set. (MariaDB's JSON is a text column and never reaches this.)
     */
    static String placeholder(Column column)
    {
        return column.type() == ColumnType.JSON ? "CONVERT(? USING utf8mb4)" : "?";
    }

    public int columnCount()
    {
        return columnCount;
    }

    /**
     * The statement text for {@code rows} rows.
     */
    public String sql(int rows)
    {
        int slot = rows % CACHED_SIZES;
        if (cacheSizes[slot] == rows && cache[slot] != null) {
            return cache[slot];
        }
        StringBuilder sql = new StringBuilder(prefix.length() + rows * (rowPlaceholders.length() + 1) + suffix.length());
        sql.append(prefix);
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sql.append(',');
            }
            sql.append(rowPlaceholders);
        }
        sql.append(suffix);
        String text = sql.toString();
        cache[slot] = text;
        cacheSizes[slot] = rows;
        return text;
    }

    /**
     * The most rows one statement may hold: the protocol allows 65,535 placeholders.
     */
    public int maxRowsPerStatement()
    {
        return Math.max(1, MAX_PLACEHOLDERS / Math.max(1, columnCount));
    }

    /**
     * A server-side prepared statement for {@code rows} rows. Its values travel in the binary
     * protocol as raw bytes: no escaping on the client, which otherwise dominates the copy's CPU
     * time. Keep it open and rebind it for every batch of the same size (see {@link #bind}).
     */
    public PreparedStatement prepareServerSide(Connection connection, int rows)
            throws SQLException
    {
        com.mysql.cj.jdbc.JdbcConnection driver = connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
        return driver.serverPrepareStatement(sql(rows));
    }

    /**
     * Binds rows {@code [from, to)} to a statement prepared for {@code to - from} rows.
     *
     * @param positions for each statement column, its position in the rows
     */
    public void bind(PreparedStatement statement, List<Row> rows, int from, int to, int[] positions)
            throws SQLException
    {
        int index = 1;
        for (int r = from; r < to; r++) {
            Row row = rows.get(r);
            for (int c = 0; c < columnCount; c++) {
                // BLOB-typed parameters carry the binary character set, like a _binary literal:
                // the server stores the bytes as they are in any column (setBytes would send them
                // as text in the connection's character set, which mangles latin1 and the like)
                statement.setObject(index++, row.get(positions[c]), com.mysql.cj.MysqlType.BLOB);
            }
        }
    }

    /**
     * Prepares the statement for rows {@code [from, to)} of {@code rows} and binds them; each row
     * holds this statement's columns at the given positions. The applier used this until it
     * sent {@link #execute}'s text instead: the driver parses each new text for placeholders and
     * caches 256 of them per connection, fewer than the row counts a busy applier meets. Kept as
     * the baseline of {@code ApplyBatchBenchmark} and the cross-check of {@code RowImageDecoderIT}.
     *
     * @param positions for each statement column, its position in the rows
     */
    public PreparedStatement prepare(Connection connection, List<Row> rows, int from, int to, int[] positions)
            throws SQLException
    {
        PreparedStatement statement = connection.prepareStatement(sql(to - from));
        try {
            int index = 1;
            for (int r = from; r < to; r++) {
                Row row = rows.get(r);
                for (int c = 0; c < columnCount; c++) {
                    statement.setBytes(index++, row.get(positions[c]));
                }
            }
            return statement;
        }
        catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /**
     * The statement for rows {@code [from, to)} of {@code rows} with every value written in as a
     * hex literal: the very text Connector/J sends for {@link #prepare}'s statement.
     *
     * @param positions for each statement column, its position in the rows
     */
    public String render(List<Row> rows, int from, int to, int[] positions)
    {
        int capacity = prefix.length() + suffix.length();
        for (int r = from; r < to; r++) {
            capacity += (int) Math.min(Integer.MAX_VALUE / 4, 2 * estimatedSize(rows.get(r), positions) + rowPlaceholders.length());
        }
        StringBuilder sql = new StringBuilder(capacity);
        sql.append(prefix);
        for (int r = from; r < to; r++) {
            Row row = rows.get(r);
            if (r > from) {
                sql.append(',');
            }
            for (int c = 0; c < columnCount; c++) {
                sql.append(before[c]);
                SqlLiterals.appendHex(sql, row.get(positions[c]));
                sql.append(after[c]);
            }
        }
        return sql.append(suffix).toString();
    }

    /**
     * Writes rows {@code [from, to)} of {@code rows} in one statement sent as text
     * ({@link #render}), without escape processing.
     *
     * @param positions for each statement column, its position in the rows
     * @return the affected-rows count the server reports
     */
    public int execute(Connection connection, List<Row> rows, int from, int to, int[] positions)
            throws SQLException
    {
        return SqlLiterals.executeUpdate(connection, render(rows, from, to, positions));
    }

    /**
     * Roughly the bytes a row's values occupy in a statement (escaping may add more), for keeping
     * statements well under {@code max_allowed_packet}.
     */
    public static long estimatedSize(Row row, int[] positions)
    {
        long size = 4L * positions.length;
        for (int position : positions) {
            byte[] value = row.get(position);
            if (value != null) {
                size += value.length;
            }
        }
        return size;
    }
}
