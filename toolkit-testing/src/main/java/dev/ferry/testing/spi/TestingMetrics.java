package dev.ferry.testing.spi;

import dev.ferry.api.Metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Metrics} that remember every instrument a plugin registered, for assertions. Like the
 * runtime's, instruments are cached by name and thread-safe.
 */
public final class TestingMetrics
        implements Metrics
{
    private final Map<String, TestingCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, TestingGauge> gauges = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name, String help)
    {
        return counters.computeIfAbsent(name, ignored -> new TestingCounter());
    }

    @Override
    public Gauge gauge(String name, String help)
    {
        return gauges.computeIfAbsent(name, ignored -> new TestingGauge());
    }

    /**
     * The counter's value, 0 when nothing registered it.
     */
    public long counterValue(String name)
    {
        TestingCounter counter = counters.get(name);
        return counter == null ? 0 : counter.value();
    }

    /**
     * The gauge's value, NaN when nothing registered it.
     */
    public double gaugeValue(String name)
    {
        TestingGauge gauge = gauges.get(name);
        return gauge == null ? Double.NaN : gauge.value();
    }

    /**
     * Every counter by name.
     */
    public Map<String, Long> counters()
    {
        Map<String, Long> result = new TreeMap<>();
        counters.forEach((name, counter) -> result.put(name, counter.value()));
        return result;
    }

    /**
     * Every gauge by name.
     */
    public Map<String, Double> gauges()
    {
        Map<String, Double> result = new TreeMap<>();
        gauges.forEach((name, gauge) -> result.put(name, gauge.value()));
        return result;
    }

    private static final class TestingCounter
            implements Counter
    {
        private final AtomicLong value = new AtomicLong();

        @Override
        public void add(long delta)
        {
            value.addAndGet(delta);
        }

        @Override
        public long value()
        {
            return value.get();
        }
    }

    private static final class TestingGauge
            implements Gauge
    {
        private final AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));

        @Override
        public void set(double value)
        {
            bits.set(Double.doubleToLongBits(value));
        }

        @Override
        public double value()
        {
            return Double.longBitsToDouble(bits.get());
        }
    }
}
