package dev.ferry.runtime.core;

import dev.ferry.api.Metrics;

/**
 * The run's metrics as the stages see them: the plugins' counters and gauges, plus the time
 * instruments that only the runtime records. Time is given in nanoseconds (a {@code nanoTime}
 * delta) and exported in seconds.
 *
 * <p>Thread-safe; instruments are cached by name, so a stage looks each up once.
 */
public interface RunMetrics
        extends Metrics
{
    /**
     * Durations of one kind of operation, e.g. one copy batch; exported as the histogram
     * {@code ferry_<name>_seconds}.
     */
    Timer latency(String name, String help);

    /**
     * Time spent in one state, e.g. waiting for throttlers, added up; exported as the counter
     * {@code ferry_<name>_seconds_total}.
     */
    Timer timeSpent(String name, String help);

    interface Timer
    {
        void recordNanos(long nanos);
    }
}
