package dev.ferry.benchmarks;

import dev.ferry.api.model.Row;
import dev.ferry.plugins.verifiers.Fingerprinter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The verifiers' comparison of rows read side by side (the inline verifier's check of every
 * copied batch, the iterative verifier's ranges): before, both rows were fingerprinted with MD5
 * and the fingerprints compared ({@link #fingerprintBoth}); now their values are compared
 * ({@link #compareValues}). Rows per second = batches per second x batchSize.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompareBatchBenchmark
{
    @Param({"1000"})
    public int batchSize;

    private final Fingerprinter fingerprinter = new Fingerprinter();
    private final byte[] sourcePrint = new byte[Fingerprinter.LENGTH];
    private final byte[] targetPrint = new byte[Fingerprinter.LENGTH];
    private List<Row> source;
    private List<Row> target;
    private int[] positions;

    @Setup(Level.Trial)
    public void setUp()
    {
        source = BenchmarkTables.rows(batchSize, 42);
        // the target's rows as read from the other server: equal values in arrays of their own
        target = new ArrayList<>(source.size());
        for (Row row : source) {
            byte[][] values = new byte[row.size()][];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.get(i) == null ? null : row.get(i).clone();
            }
            target.add(Row.wrap(values));
        }
        positions = new int[source.get(0).size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
    }

    @Benchmark
    public void fingerprintBoth(Blackhole blackhole)
    {
        for (int i = 0; i < source.size(); i++) {
            fingerprinter.fingerprint(source.get(i), positions, null, sourcePrint, 0);
            fingerprinter.fingerprint(target.get(i), positions, null, targetPrint, 0);
            blackhole.consume(Arrays.equals(sourcePrint, targetPrint));
        }
    }

    @Benchmark
    public void compareValues(Blackhole blackhole)
    {
        for (int i = 0; i < source.size(); i++) {
            blackhole.consume(Fingerprinter.sameValues(source.get(i), positions, target.get(i), positions, null));
        }
    }
}
