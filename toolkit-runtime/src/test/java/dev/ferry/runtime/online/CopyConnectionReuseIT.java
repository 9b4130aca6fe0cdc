package dev.ferry.runtime.online;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A range copier keeps one source connection for all its batches and hands it back to the pool
 * when the range is done. With the lock strategies that read without a source transaction
 * ({@code in-ferry}, {@code none}) the connection is in autocommit mode; handing it back must not
 * break it (a {@code rollback()} in autocommit mode is refused by the driver with SQLSTATE 08003,
 * which makes the pool evict the connection and log a warning with a stack trace, once per range;
 * fixed in 854c9dc, failed before it for {@code in-ferry} and {@code none}).
 * <p>
 * The pool's verdict is only visible in the log, so the test reads what the run writes to
 * standard error (slf4j-simple's default).
 */
@RealServers
class CopyConnectionReuseIT
{
    @ParameterizedTest
    @ValueSource(strings = {"in-ferry", "none", "source-db"})
    void rangesReturnHealthySourceConnections(String lockStrategy, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO t SELECT seq, seq FROM seq_1_to_6000",
                "ANALYZE TABLE t");
        String yaml = TestingFerry.config(db.servers(), db.name(),
                "copy:\n  batchSize: 500\n  concurrency: 2\n  rangeSize: 1000\n  lockStrategy: " + lockStrategy + "\n"
                        + "cutover:\n  automatic: true\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(new Tee(original, log), true, StandardCharsets.UTF_8));
        RunResult result;
        try {
            result = TestingFerry.run(db.servers(), yaml);
        }
        finally {
            System.setErr(original);
        }
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        String text = log.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("marked as broken"), "the copy broke pooled source connections:\n" + firstLines(text, "marked as broken", 12));
    }

    private static String firstLines(String text, String from, int lines)
    {
        int start = text.indexOf(from);
        int end = start;
        for (int i = 0; i < lines && end >= 0; i++) {
            end = text.indexOf('\n', end + 1);
        }
        return text.substring(Math.max(0, text.lastIndexOf('\n', start) + 1), end < 0 ? text.length() : end);
    }

    private static final class Tee
            extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b)
                throws java.io.IOException
        {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len)
                throws java.io.IOException
        {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public synchronized void flush()
                throws java.io.IOException
        {
            first.flush();
            second.flush();
        }
    }
}
