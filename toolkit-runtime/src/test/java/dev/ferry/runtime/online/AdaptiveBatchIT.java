package dev.ferry.runtime.online;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.runtime.control.ControlServer;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #17: the adaptive copy changes its batch size while it copies under a concurrent writer
 * (shown per table in {@code /api/status}), a table of large blobs gets batches bounded by
 * {@code copy.maxBatchBytes}, and the move ends with the target row-equal to the source.
 */
@RealServers
class AdaptiveBatchIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void batchSizeAdaptsWhileCopyingUnderWritesAndTheTargetEndsEqual(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, n INT NOT NULL, payload MEDIUMBLOB)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq), 0, UNHEX(SHA2(seq, 256)) FROM seq_1_to_60000",
                "CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, data LONGBLOB NOT NULL)",
                "INSERT INTO blobs SELECT seq, REPEAT(UNHEX(SHA2(seq, 512)), 3200) FROM seq_1_to_60",
                "ANALYZE TABLE items, blobs");
        // starts at 20 rows with a 1 s target per batch: the size must grow (or, under load, shrink) as it copies
        String config = TestingFerry.config(db.servers(), db.name(),
                "copy:\n  batchSize: 20\n  adaptive: true\n  concurrency: 2\n  rangeSize: 30000\n  targetBatchTime: 1s\n  maxBatchBytes: 1048576\n")
                .replace("control:\n  enabled: false\n", "control:\n  bind: \"127.0.0.1:0\"\n");
        try (Ferry ferry = TestingFerry.create(db.servers(), config); ControlServer control = new ControlServer(ferry)) {
            control.start();
            String base = control.uri().toString().replaceAll("/$", "");
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Workload workload = new Workload(db.source(), db.name(), "items", 17, 2);
            workload.start();
            Future<RunResult> run = executor.submit(() -> ferry.run());
            Set<Integer> itemSizes = new TreeSet<>();
            int largestBlobBatch = 0;
            while (ferry.phase() != FerryPhase.WAITING_FOR_CUTOVER && !run.isDone()) {
                for (JsonNode table : status(base).path("tables")) {
                    int size = table.path("batchSize").asInt();
                    if (size > 0 && table.path("table").asText().endsWith(".items")) {
                        itemSizes.add(size);
                    }
                    if (table.path("table").asText().endsWith(".blobs")) {
                        largestBlobBatch = Math.max(largestBlobBatch, size);
                    }
                }
                Thread.sleep(20);
            }
            Thread.sleep(500);
            workload.stop();
            assertEquals(202, post(base, "/api/cutover").statusCode());
            RunResult result = run.get();
            executor.shutdown();
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            assertTrue(itemSizes.size() >= 2 && itemSizes.stream().anyMatch(size -> size != 20), "batch sizes seen for items: " + itemSizes);
            // 60 rows of 200 KB under a 1 MiB cap: at most 5 rows per batch (before the first, the server's estimate bounds it)
            assertTrue(largestBlobBatch >= 1 && largestBlobBatch <= 5, "largest blob batch: " + largestBlobBatch);
            db.assertTargetEqualsSource();
        }
    }

    private static JsonNode status(String base)
            throws Exception
    {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String base, String path)
            throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
