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
 * in ferry's compatibility modes) turned into ferry rows and one multi-row upsert. Nothing is
 * sent to the server. {@link #decodeAndBind} is the applier's path before 2026-12: a client-side
 * prepared statement, its text parsed by the driver and every value bound through it;
 * {@link #decodeAndRender} is the path since: the values written into the text as the same hex
 * literals, and the text encoded to the bytes the driver would send.
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

    /**
     * "one": each batch is one statement of batchSize rows, whose text the driver parses once and
     * caches. "split": each batch is two statements, split at a point that moves on every batch,
     * as the applier's row counts per table and batch vary: the texts (with placeholders) of 499
     * sizes do not fit the driver's cache of 256, so it parses each one.
     */
    @Param({"one", "split"})
    public String statements;

    private int cursor;

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
        List<Row> rows = decodeAll();
        int split = splitPoint(rows.size());
        if (split > 0) {
            try (PreparedStatement statement = upsert.prepare(connection, rows, 0, split, positions)) {
                blackhole.consume(statement);
            }
        }
        try (PreparedStatement statement = upsert.prepare(connection, rows, split, rows.size(), positions)) {
            blackhole.consume(statement);
        }
    }

    private List<Row> decodeAll()
    {
        List<Row> rows = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            rows.add(decoder.decode(images.get(i), included));
        }
        return rows;
    }

    private int splitPoint(int rows)
    {
        if (statements.equals("one") || rows < 2) {
            return 0;
        }
        cursor = cursor % (rows - 1) + 1;
        return cursor;
    }

    /**
     * Events per second = batches per second x batchSize. Includes the text's encoding to bytes,
     * which {@link #decodeAndBind} leaves to the execution (it is not measured there).
     */
    @Benchmark
    public void decodeAndRender(Blackhole blackhole)
    {
        List<Row> rows = decodeAll();
        int split = splitPoint(rows.size());
        if (split > 0) {
            blackhole.consume(upsert.render(rows, 0, split, positions).getBytes(StandardCharsets.UTF_8));
        }
        blackhole.consume(upsert.render(rows, split, rows.size(), positions).getBytes(StandardCharsets.UTF_8));
    }
}
