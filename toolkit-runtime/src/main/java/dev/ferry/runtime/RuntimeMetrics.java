package dev.ferry.runtime;

import dev.ferry.api.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime's metrics registry, exported by the status API and {@code /metrics}.
 */
public final class RuntimeMetrics
        implements Metrics
{
    private final Map<String, NamedCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, NamedGauge> gauges = new ConcurrentHashMap<>();

    @Override
    public NamedCounter counter(String name, String help)
    {
        return counters.computeIfAbsent(name, key -> new NamedCounter(key, help));
    }

    @Override
    public NamedGauge gauge(String name, String help)
    {
        return gauges.computeIfAbsent(name, key -> new NamedGauge(key, help));
    }

    public Map<String, NamedCounter> counters()
    {
        return Map.copyOf(counters);
    }

    public Map<String, NamedGauge> gauges()
    {
        return Map.copyOf(gauges);
    }

    public static final class NamedCounter
            implements Counter
    {
        private final String name;
        private final String help;
        private final LongAdder value = new LongAdder();

        NamedCounter(String name, String help)
        {
            this.name = name;
            this.help = help;
        }

        public String name()
        {
            return name;
        }

        public String help()
        {
            return help;
        }

        @Override
        public void add(long delta)
        {
            value.add(delta);
        }

        @Override
        public long value()
        {
            return value.sum();
        }
    }

    public static final class NamedGauge
            implements Gauge
    {
        private final String name;
        private final String help;
        private final AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));

        NamedGauge(String name, String help)
        {
            this.name = name;
            this.help = help;
        }

        public String name()
        {
            return name;
        }

        public String help()
        {
            return help;
        }

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
