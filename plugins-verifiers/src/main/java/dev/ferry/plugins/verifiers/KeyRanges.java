package dev.ferry.plugins.verifiers;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.Key;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Work over tables split into key ranges, run on a pool: the iterative verifier's pass and the
 * inline verifier's scan for extra rows.
 */
final class KeyRanges
{
    private KeyRanges() {}

    /**
     * Keys {@code [start, end)} of a table (null: unbounded).
     */
    record Range(TablePlan plan, Key start, Key end) {}

    @FunctionalInterface
    interface Work
    {
        /**
         * @return what the range counted (rows compared, keys scanned)
         */
        long run(Range range)
                throws SQLException, InterruptedException;
    }

    /**
     * What a table's failure means: throws to end the work, or records the table (e.g. one a
     * replicated DDL changed, for verification whole at cutover) to go on.
     */
    @FunctionalInterface
    interface Failure
    {
        void handle(TablePlan plan, SQLException e);
    }

    /**
     * Every table of {@code plans} in up to {@code parts} ranges ({@link Checker#split}).
     */
    static List<Range> split(Checker checker, List<TablePlan> plans, int parts, Failure failure)
            throws InterruptedException
    {
        List<Range> ranges = new ArrayList<>();
        for (TablePlan plan : plans) {
            try {
                List<Key> bounds = checker.split(plan, parts);
                for (int i = 0; i + 1 < bounds.size(); i++) {
                    ranges.add(new Range(plan, bounds.get(i), bounds.get(i + 1)));
                }
            }
            catch (SQLException e) {
                failure.handle(plan, e);
            }
        }
        return ranges;
    }

    /**
     * Runs {@code work} on every range, {@code concurrency} at once on daemon threads named
     * {@code threadName-N}.
     *
     * @return the sum of what the ranges counted
     */
    static long run(List<Range> ranges, int concurrency, String threadName, Work work, Failure failure)
            throws InterruptedException
    {
        if (ranges.isEmpty()) {
            return 0;
        }
        LongAdder counted = new LongAdder();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, ranges.size()), runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>(ranges.size());
            for (Range range : ranges) {
                futures.add(pool.submit(() -> {
                    try {
                        counted.add(work.run(range));
                    }
                    catch (SQLException e) {
                        failure.handle(range.plan(), e);
                    }
                    return null;
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                }
                catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof InterruptedException interrupted) {
                        throw interrupted;
                    }
                    throw new FerryException("verification of table " + ranges.get(i).plan().source() + " failed: " + cause.getMessage(), cause);
                }
            }
        }
        finally {
            pool.shutdownNow();
        }
        return counted.sum();
    }
}
