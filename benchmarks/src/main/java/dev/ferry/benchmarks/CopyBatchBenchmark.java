package dev.ferry.benchmarks;

import dev.ferry.api.model.KeySql;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.sql.InsertStatement;
import dev.ferry.runtime.sql.LoadDataStatement;
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

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The copy hot path, for both write methods: a fetched batch encoded as the
 * {@code LOAD DATA LOCAL} stream ({@code copy.writeMethod: load-data}, the default where the
 * target allows it), or bound to the multi-row {@code INSERT IGNORE} the copy keeps prepared on
 * the server (binary protocol, BLOB-typed parameters), plus the last row's key in both.
 * Encodes and binds without executing. (The driver's client-side statements bind faster but escape every
 * byte while building the packet at execute time; in profiles of the copy that escaping took
 * 80% of ferry's CPU, which is why the copy uses server-side statements.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CopyBatchBenchmark
{
    @Param({"1000"})
    public int batchSize;

    private Connection connection;
    private InsertStatement insert;
    private LoadDataStatement load;
    private KeySql keys;
    private int[] keyPositions;
    private List<Row> rows;
    private int[] positions;
    private PreparedStatement serverSide;
    // 20 rows of a 300 KB blob and a short text: the copy's byte-capped batches of a blob table
    private LoadDataStatement blobLoad;
    private List<Row> blobRows;
    private int[] blobPositions = {0, 1};

    @Setup(Level.Trial)
    public void setUp()
            throws SQLException
    {
        TableSchema table = BenchmarkTables.schema();
        connection = BenchmarkTables.connect();
        insert = new InsertStatement(BenchmarkTables.NAME, table.writableColumns(), InsertStatement.Mode.IGNORE, StatementTag.forRun(1_000_000_001L));
        load = new LoadDataStatement(BenchmarkTables.NAME, table.writableColumns(), StatementTag.forRun(1_000_000_001L));
        keys = KeySql.of(table.paginationKey().columns());
        keyPositions = new int[keys.size()];
        for (int i = 0; i < keyPositions.length; i++) {
            keyPositions[i] = table.writableColumns().indexOf(keys.columns().get(i));
        }
        rows = BenchmarkTables.rows(batchSize, 42);
        positions = new int[table.writableColumns().size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        serverSide = insert.prepareServerSide(connection, batchSize);
        blobLoad = new LoadDataStatement(BenchmarkTables.NAME, List.of(table.writableColumns().get(0), table.writableColumns().get(1)),
                StatementTag.forRun(1_000_000_001L));
        java.util.Random random = new java.util.Random(42);
        blobRows = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] blob = new byte[300 * 1024];
            random.nextBytes(blob);
            blobRows.add(Row.wrap(new byte[][] {("blob " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII), blob}));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
            throws SQLException
    {
        serverSide.close();
        connection.close();
    }

    /**
     * Rows per second = batches per second x batchSize.
     */
    @Benchmark
    public void bindBatch(Blackhole blackhole)
            throws SQLException
    {
        insert.bind(serverSide, rows, 0, rows.size(), positions);
        blackhole.consume(keys.keyOf(rows.get(rows.size() - 1), keyPositions));
    }

    /**
     * Rows per second = batches per second x batchSize.
     */
    /**
     * Bytes per second = batches per second x 6 MB (20 rows of 300 KB random bytes, of which
     * about 1.2% need an escape).
     */
    @Benchmark
    public void encodeLoadDataBlobs(Blackhole blackhole)
    {
        blobLoad.encode(blobRows, 0, blobRows.size(), blobPositions);
        blackhole.consume(blobLoad);
    }

    @Benchmark
    public void encodeLoadDataBatch(Blackhole blackhole)
    {
        load.encode(rows, 0, rows.size(), positions);
        blackhole.consume(keys.keyOf(rows.get(rows.size() - 1), keyPositions));
    }
}
