package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;

import java.io.ByteArrayInputStream;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The copy's bulk write: {@code LOAD DATA LOCAL INFILE} of a batch encoded in memory, with
 * {@code IGNORE} semantics (a row whose key the target already has is skipped, as with
 * {@code INSERT IGNORE}). The server parses a tab-separated stream far more cheaply than a
 * multi-row {@code INSERT}, and the client encodes it without per-value driver bookkeeping.
 *
 * <p>Values are the raw bytes the source returned, read by the server with
 * {@code CHARACTER SET binary}, so nothing is converted on the way: the only encoding is the
 * escape of the three bytes that delimit the stream (backslash, tab, newline) and {@code \N}
 * for NULL. Separators are written as hex literals so the statement means the same with and
 * without {@code NO_BACKSLASH_ESCAPES}. Needs {@code local_infile=ON} on the server and
 * {@code allowLoadLocalInfile} on the connection.
 *
 * <p>Not thread-safe: one instance per copy worker, its buffer reused for every batch.
 */
public final class LoadDataStatement
{
    private static final byte TAB = '\t';
    private static final byte NEWLINE = '\n';
    private static final byte BACKSLASH = '\\';

    private final String sql;
    private final int columnCount;
    private byte[] buffer = new byte[64 * 1024];
    private int length;

    /**
     * @param tag put in front of the statement text (see {@link StatementTag})
     */
    public LoadDataStatement(TableName target, List<Column> columns, StatementTag tag)
    {
        requireNonNull(target, "target is null");
        requireNonNull(tag, "tag is null");
        this.columnCount = columns.size();
        StringBuilder list = new StringBuilder();
        StringBuilder assignments = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            list.append(i == 0 ? "" : ", ");
            if (column.type() == ColumnType.JSON) {
                // MySQL 8 builds no JSON value from the binary character set (see InsertStatement)
                String variable = "@ferry_" + i;
                list.append(variable);
                assignments.append(assignments.isEmpty() ? " SET " : ", ").append(column.quotedName()).append(" = CONVERT(").append(variable).append(" USING utf8mb4)");
            }
            else {
                list.append(column.quotedName());
            }
        }
        this.sql = tag.prefix() + "LOAD DATA LOCAL INFILE 'ferry-batch' IGNORE INTO TABLE " + target.quoted()
                + " CHARACTER SET binary FIELDS TERMINATED BY 0x09 ESCAPED BY 0x5c LINES TERMINATED BY 0x0a (" + list + ")" + assignments;
    }

    public String sql()
    {
        return sql;
    }

    /**
     * Encodes rows {@code [from, to)}; each row holds this statement's columns at the given
     * positions.
     */
    public void encode(List<Row> rows, int from, int to, int[] positions)
    {
        length = 0;
        for (int r = from; r < to; r++) {
            Row row = rows.get(r);
            for (int c = 0; c < columnCount; c++) {
                if (c > 0) {
                    put(TAB);
                }
                byte[] value = row.get(positions[c]);
                if (value == null) {
                    put(BACKSLASH);
                    put((byte) 'N');
                }
                else {
                    escape(value);
                }
            }
            put(NEWLINE);
        }
    }

    /**
     * The encoded batch, as {@link #encode} left it (for tests).
     */
    public byte[] encoded()
    {
        return Arrays.copyOf(buffer, length);
    }

    /**
     * Loads the encoded batch through {@code statement}, a statement of a connection that allows
     * {@code LOAD DATA LOCAL}.
     *
     * @return the rows the target inserted; the others had a key the target already had
     */
    public int execute(Statement statement)
            throws SQLException
    {
        // set before every execution (a consumed stream is never reused); it only refers to this
        // statement's buffer, so it is not reset afterwards, which would fail on a killed connection
        statement.unwrap(com.mysql.cj.jdbc.JdbcStatement.class).setLocalInfileInputStream(new ByteArrayInputStream(buffer, 0, length));
        return statement.executeUpdate(sql);
    }

    private void escape(byte[] value)
    {
        int n = value.length;
        ensure(n * 2L);
        byte[] out = buffer;
        int at = length;
        // copy the runs between the bytes to escape in bulk: most values (and nearly all of a blob) have none
        int run = 0;
        for (int i = 0; i < n; i++) {
            byte b = value[i];
            if (b == BACKSLASH || b == TAB || b == NEWLINE) {
                int runLength = i - run;
                if (runLength > 0) {
                    System.arraycopy(value, run, out, at, runLength);
                    at += runLength;
                }
                out[at++] = BACKSLASH;
                out[at++] = b == BACKSLASH ? BACKSLASH : b == TAB ? (byte) 't' : (byte) 'n';
                run = i + 1;
            }
        }
        int runLength = n - run;
        if (runLength > 0) {
            System.arraycopy(value, run, out, at, runLength);
            at += runLength;
        }
        length = at;
    }

    private void put(byte b)
    {
        ensure(1);
        buffer[length++] = b;
    }

    private void ensure(long extra)
    {
        long needed = length + extra;
        if (needed > buffer.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a copy batch of more than 2 GB does not fit one LOAD DATA stream: lower copy.batchSize");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16, buffer.length * 2L)));
        }
    }
}
