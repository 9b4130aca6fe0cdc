package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;

import javax.sql.DataSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Measures one number on a database every interval, from a daemon thread started by
 * {@link #start()}, and throttles while the number is above a limit or cannot be measured.
 * {@link #isThrottled()} and {@link #reason()} only read the last verdict.
 *
 * <p>Until the first measurement the stage waits: starting to copy at full speed on a server that
 * is already lagging is what the throttler is there to prevent.
 */
final class PollingThrottler
        implements Throttler
{
    private static final Verdict NOT_THROTTLED = new Verdict(false, "");
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    private static final int MAX_ECHO = 80;

    /**
     * Measures the number on a borrowed connection.
     */
    interface Measurement
    {
        /**
         * @throws SQLException when the query fails or its result is not one number; the message
         *         says which
         */
        double measure(Connection connection)
                throws SQLException;
    }

    private record Verdict(boolean throttled, String reason) {}

    private final String label;
    private final Supplier<DataSource> dataSource;
    private final Measurement measurement;
    private final double limit;
    private final DoubleFunction<String> overLimit;
    private final Duration interval;
    private final System.Logger logger;
    private final Object lifecycle = new Object();
    private volatile Verdict verdict;
    private volatile boolean closed;
    private Thread thread;
    private String lastError;

    /**
     * @param label names the measurement in reasons and logs, e.g. {@code lag}
     * @param dataSource where to measure; asked for on every poll, never in the constructor
     *        (data sources exist only once the run has connected)
     * @param overLimit the reason for a value above {@code limit}, e.g. {@code lag 12.5s > 5s}
     */
    PollingThrottler(String label, Supplier<DataSource> dataSource, Measurement measurement, double limit, DoubleFunction<String> overLimit,
            Duration interval, System.Logger logger)
    {
        this.label = requireNonNull(label, "label is null");
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.measurement = requireNonNull(measurement, "measurement is null");
        this.limit = limit;
        this.overLimit = requireNonNull(overLimit, "overLimit is null");
        this.interval = requireNonNull(interval, "interval is null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.logger = requireNonNull(logger, "logger is null");
        this.verdict = new Verdict(true, label + " not measured yet");
    }

    @Override
    public void start()
    {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException(label + " throttler is closed");
            }
            if (thread != null) {
                throw new IllegalStateException(label + " throttler already started");
            }
            thread = new Thread(this::run, "ferry-throttler-" + label.replace(' ', '-'));
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public boolean isThrottled()
    {
        return verdict.throttled();
    }

    @Override
    public String reason()
    {
        return verdict.reason();
    }

    @Override
    public void close()
    {
        Thread current;
        synchronized (lifecycle) {
            closed = true;
            current = thread;
        }
        if (current != null && current != Thread.currentThread()) {
            current.interrupt();
            try {
                current.join(CLOSE_WAIT_MILLIS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run()
    {
        long intervalNanos = interval.toNanos();
        while (!closed) {
            long started = System.nanoTime();
            poll();
            long remaining = intervalNanos - (System.nanoTime() - started);
            if (remaining > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(remaining);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Measures once and updates the verdict. Called by the polling thread; tests call it directly.
     */
    void poll()
    {
        double value;
        try (Connection connection = dataSource.get().getConnection()) {
            value = measurement.measure(connection);
        }
        catch (SQLException | RuntimeException e) {
            failed(e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage());
            return;
        }
        if (Double.isNaN(value)) {
            failed("returned NaN");
            return;
        }
        if (lastError != null) {
            lastError = null;
            logger.log(System.Logger.Level.INFO, label + " query works again");
        }
        verdict = value > limit ? new Verdict(true, overLimit.apply(value)) : NOT_THROTTLED;
    }

    private void failed(String message)
    {
        verdict = new Verdict(true, label + " query failed: " + message);
        if (!message.equals(lastError)) {
            lastError = message;
            logger.log(System.Logger.Level.WARNING, label + " query failed, the stage waits until it works: " + message);
        }
    }

    /**
     * The only value of a query that must return one row with one number.
     */
    static double singleNumber(Connection connection, String sql, int timeoutSeconds)
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet result = statement.executeQuery(sql)) {
                int columns = result.getMetaData().getColumnCount();
                if (columns != 1) {
                    throw new SQLException("returned " + columns + " columns; it must return one row with one number");
                }
                if (!result.next()) {
                    throw new SQLException("returned no row; it must return one row with one number");
                }
                double value = number(result.getObject(1));
                if (result.next()) {
                    throw new SQLException("returned more than one row; it must return one row with one number");
                }
                return value;
            }
        }
    }

    /**
     * The value of a global status variable, e.g. {@code Threads_running}.
     */
    static double globalStatus(Connection connection, String variable, int timeoutSeconds)
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet result = statement.executeQuery("SHOW GLOBAL STATUS LIKE '" + variable + "'")) {
                if (!result.next()) {
                    throw new SQLException("the server has no status variable " + variable);
                }
                return number(result.getObject(2));
            }
        }
    }

    private static double number(Object value)
            throws SQLException
    {
        if (value == null) {
            throw new SQLException("returned NULL instead of a number");
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
        try {
            return Double.parseDouble(text.trim());
        }
        catch (NumberFormatException e) {
            String echo = text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
            throw new SQLException("returned \"" + echo + "\", which is not a number");
        }
    }

    /**
     * A query timeout in whole seconds: the interval, but at least 5s so a slow server is not
     * mistaken for a broken one.
     */
    static int timeoutSeconds(Duration interval)
    {
        long seconds = Math.max(5, (interval.toMillis() + 999) / 1000);
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }
}
