package dev.ferry.api;

/**
 * Named counters and gauges exported by the status API and {@code /metrics}. Names are
 * lower_snake_case and are prefixed with {@code ferry_} on export.
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
