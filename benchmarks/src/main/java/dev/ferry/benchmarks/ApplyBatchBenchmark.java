package dev.ferry.benchmarks;

import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.binlog.RowImageDecoder;
import dev.ferry.runtime.sql.InsertStatement;
import dev.ferry.runtime.sql.StatementTag;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The apply hot path: decoded rows-event values (as mysql-binlog-connector-java hands them over
 * in ferry's compatibility modes) turned into ferry rows and one multi-row upsert with every
 * value bound through the real driver. Nothing is sent to the server.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ApplyBatchBenchmark
{
    @Param({"500"})
    public int batchSize;

    private Connection connection;
    private RowImageDecoder decoder;
    private InsertStatement upsert;
    private List<Serializable[]> images;
    private BitSet included;
    private int[] positions;

    @Setup(Level.Trial)
    public void setUp()
            throws SQLException
    {
        TableSchema table = BenchmarkTables.schema();
        connection = BenchmarkTables.connect();
        decoder = RowImageDecoder.forTable(table);
        upsert = new InsertStatement(BenchmarkTables.NAME, table.writableColumns(), InsertStatement.Mode.UPSERT, StatementTag.forRun(1_000_000_001L));
        positions = new int[table.columns().size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        included = new BitSet();
        included.set(0, table.columns().size());
        Random random = new Random(7);
        images = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            byte[] hash = new byte[16];
            random.nextBytes(hash);
            images.add(new Serializable[] {
                    1_000_000L + i,
                    random.nextInt(100_000),
                    ("user" + random.nextInt(1_000_000) + "@example.com").getBytes(StandardCharsets.UTF_8),
                    ("Émile Zola-" + i).getBytes(StandardCharsets.UTF_8),
                    new BigDecimal(random.nextInt(1_000_000) + "." + (10 + random.nextInt(90))),
                    random.nextDouble(),
                    "2024-05-17 12:34:56.123456".getBytes(StandardCharsets.US_ASCII),
                    random.nextInt(127),
                    hash,
                    random.nextBoolean() ? null : ("a note of some length to make the row about two hundred bytes " + i).getBytes(StandardCharsets.UTF_8)});
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
            throws SQLException
    {
        connection.close();
    }

    /**
     * Events per second = batches per second x batchSize.
     */
    @Benchmark
    public void decodeAndBind(Blackhole blackhole)
            throws SQLException
    {
        List<Row> rows = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            rows.add(decoder.decode(images.get(i), included));
        }
        try (PreparedStatement statement = upsert.prepare(connection, rows, 0, rows.size(), positions)) {
            blackhole.consume(statement);
        }
    }
}
