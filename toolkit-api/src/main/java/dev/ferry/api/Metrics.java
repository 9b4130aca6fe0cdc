package dev.ferry.api;

/**
 * Named counters and gauges exported by {@code /metrics}. Names are lower_snake_case, without
 * the {@code ferry_} prefix and the {@code _total} suffix: a counter {@code rows_checked} is
 * exported as {@code ferry_rows_checked_total}, a gauge {@code backlog_keys} as
 * {@code ferry_backlog_keys}. Use base units in names and values ({@code _seconds},
 * {@code _bytes}). A name that clashes with one of ferry's own metrics is left out of the page.
 *
 * <p>Thread-safe; the returned instruments are cached, so plugins may look them up once.
 */
public interface Metrics
{
    Counter counter(String name, String help);

    Gauge gauge(String name, String help);

    interface Counter
    {
        void add(long delta);

        long value();
    }

    interface Gauge
    {
        void set(double value);

        double value();
    }
}
