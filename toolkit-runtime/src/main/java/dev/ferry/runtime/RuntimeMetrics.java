package dev.ferry.runtime;

import dev.ferry.runtime.core.RunMetrics;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The runtime's metrics registry, exported by the status API and {@code /metrics}: the plugins'
 * and stages' counters and gauges, and the runtime's latency histograms and time counters.
 */
public final class RuntimeMetrics
        implements RunMetrics
{
    /**
     * Upper bounds in seconds of the latency histograms' buckets: one batch takes from about a
     * millisecond (a few applied rows) to seconds (a large copy batch on a loaded server).
     */
    static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final Pattern RUNTIME_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final Map<String, NamedCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, NamedGauge> gauges = new ConcurrentHashMap<>();
    private final Map<String, NamedLatency> latencies = new ConcurrentHashMap<>();
    private final Map<String, NamedTimeSpent> timesSpent = new ConcurrentHashMap<>();

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

    @Override
    public NamedLatency latency(String name, String help)
    {
        return latencies.computeIfAbsent(runtimeName(name), key -> new NamedLatency(key, help));
    }

    @Override
    public NamedTimeSpent timeSpent(String name, String help)
    {
        return timesSpent.computeIfAbsent(runtimeName(name), key -> new NamedTimeSpent(key, help));
    }

    public Map<String, NamedCounter> counters()
    {
        return Map.copyOf(counters);
    }

    public Map<String, NamedGauge> gauges()
    {
        return Map.copyOf(gauges);
    }

    public Map<String, NamedLatency> latencies()
    {
        return Map.copyOf(latencies);
    }

    public Map<String, NamedTimeSpent> timesSpent()
    {
        return Map.copyOf(timesSpent);
    }

    // only the runtime names these, with literals: a bad one is a bug, not a user's input
    private static String runtimeName(String name)
    {
        if (!RUNTIME_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name must be lower_snake_case (got \"" + name + "\")");
        }
        return name;
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

    /**
     * A histogram of durations, exported as {@code ferry_<name>_seconds}.
     */
    public static final class NamedLatency
            implements Timer
    {
        private final String name;
        private final String help;
        private final Histogram histogram;

        NamedLatency(String name, String help)
        {
            this.name = name;
            this.help = help;
            Histogram.Builder builder = Histogram.builder()
                    .name(exportedName())
                    .help(help == null ? "" : help)
                    .classicOnly()
                    .classicUpperBounds(LATENCY_BUCKETS);
            // exemplars would ask the tracer libraries for a span on every observation
            builder.withoutExemplars();
            this.histogram = builder.build();
        }

        public String name()
        {
            return name;
        }

        public String help()
        {
            return help;
        }

        /**
         * {@code ferry_<name>_seconds}
         */
        public String exportedName()
        {
            return "ferry_" + name + "_seconds";
        }

        @Override
        public void recordNanos(long nanos)
        {
            histogram.observe(nanos / 1e9);
        }

        public long count()
        {
            return histogram.getCount();
        }

        public double sumSeconds()
        {
            return histogram.getSum();
        }

        public HistogramSnapshot snapshot()
        {
            return histogram.collect();
        }
    }

    /**
     * Time added up, exported as the counter {@code ferry_<name>_seconds_total}.
     */
    public static final class NamedTimeSpent
            implements Timer
    {
        private final String name;
        private final String help;
        private final LongAdder nanos = new LongAdder();

        NamedTimeSpent(String name, String help)
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
        public void recordNanos(long nanos)
        {
            this.nanos.add(nanos);
        }

        public double seconds()
        {
            return nanos.sum() / 1e9;
        }
    }
}
