package dev.ferry.plugins.verifiers;

import dev.ferry.api.FerryException;
import dev.ferry.api.PluginContext;
import dev.ferry.api.SqlFailures;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.VerificationResult.TableMismatch;
import dev.ferry.api.verify.Verifier;

import javax.sql.DataSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * Runs {@code CHECKSUM TABLE} for every table on the source and (under its rewritten name) on the
 * target at cutover, both sides at once.
 */
final class ChecksumTableVerifier
        implements Verifier
{
    private static final int RETRIES = 5;
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(500);

    private final PluginContext context;
    private volatile VerificationResult current = VerificationResult.notRun("checksum-table: runs at cutover");

    ChecksumTableVerifier(PluginContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    @Override
    public VerificationResult verifyAtCutover()
            throws InterruptedException
    {
        List<TableName> sourceTables = new ArrayList<>();
        List<TableName> targetTables = new ArrayList<>();
        for (TableSchema schema : context.sourceTables()) {
            sourceTables.add(schema.name());
        }
        sourceTables.sort(null);
        for (TableName table : sourceTables) {
            targetTables.add(context.targetName(table));
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "ferry-checksum-table");
            thread.setDaemon(true);
            return thread;
        });
        String[] sourceSums;
        String[] targetSums;
        try {
            Future<String[]> source = pool.submit(() -> checksums(context.source(), sourceTables, "source"));
            Future<String[]> target = pool.submit(() -> checksums(context.target(), targetTables, "target"));
            sourceSums = get(source);
            targetSums = get(target);
        }
        finally {
            pool.shutdownNow();
        }
        List<TableMismatch> mismatches = new ArrayList<>();
        for (int i = 0; i < sourceTables.size(); i++) {
            if (sourceSums[i] == null || !sourceSums[i].equals(targetSums[i])) {
                String reason = targetSums[i] == null
                        ? "target table " + targetTables.get(i) + " is missing (source checksum " + sourceSums[i] + ")"
                        : "checksum " + sourceSums[i] + " (source) != " + targetSums[i] + " (target " + targetTables.get(i) + ")";
                mismatches.add(new TableMismatch(sourceTables.get(i), List.of(), reason));
            }
        }
        VerificationResult result = mismatches.isEmpty()
                ? VerificationResult.match("checksum-table: " + sourceTables.size() + " tables match in "
                        + DowntimeEstimate.format(Duration.ofNanos(System.nanoTime() - started)))
                : VerificationResult.mismatch(mismatches);
        current = result;
        return result;
    }

    @Override
    public VerificationResult currentResult()
    {
        return current;
    }

    /**
     * The checksums of one side, read again after a failure that passes (a lost connection, a
     * restarting server), up to {@value #RETRIES} times with backoff.
     */
    private static String[] checksums(DataSource dataSource, List<TableName> tables, String side)
            throws SQLException, InterruptedException
    {
        for (int failures = 0; ; failures++) {
            try {
                return checksumsOnce(dataSource, tables, side);
            }
            catch (SQLException e) {
                if (!SqlFailures.isRetryable(e) || failures >= RETRIES) {
                    throw e;
                }
                Thread.sleep(SqlFailures.retryDelay(RETRY_BACKOFF, failures).toMillis());
            }
        }
    }

    private static String[] checksumsOnce(DataSource dataSource, List<TableName> tables, String side)
            throws SQLException, InterruptedException
    {
        String[] result = new String[tables.size()];
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (int i = 0; i < tables.size(); i++) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                // a missing table yields a NULL checksum (and a warning), not an error
                try (ResultSet rows = statement.executeQuery("CHECKSUM TABLE " + tables.get(i).quoted())) {
                    if (rows.next()) {
                        byte[] value = rows.getBytes(2);
                        result[i] = value == null ? null : new String(value, StandardCharsets.US_ASCII);
                    }
                }
                catch (SQLException e) {
                    throw new SQLException("CHECKSUM TABLE " + tables.get(i) + " on the " + side + " failed: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
                }
            }
        }
        return result;
    }

    private static String[] get(Future<String[]> future)
            throws InterruptedException
    {
        try {
            return future.get();
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new FerryException("checksum-table verification failed: " + cause.getMessage(), cause);
        }
    }
}
