package dev.ferry.runtime.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.config.ConfigProblem;
import dev.ferry.config.ConfigTree;
import dev.ferry.runtime.config.CopyConfig;
import dev.ferry.runtime.config.ReplicationConfig;
import dev.ferry.runtime.core.RunTuning;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The body of {@code POST /api/tune}, validated as the config is (same keys, bounds and messages):
 * <pre>{"copy": {"batchSize": 500, "concurrency": 2, "rowsPerSecond": 20000}, "replication": {"batchSize": 200}}</pre>
 * Every key is optional; a key not given keeps its current value. {@code copy.concurrency} may
 * be raised only up to the value the run started with (its connection pools are sized for it);
 * {@code copy.rowsPerSecond} 0 lifts the cap.
 */
public final class TuningRequest
{
    public static final long MAX_ROWS_PER_SECOND = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The outcome: the values to apply, or every problem found.
     */
    public record Result(RunTuning.Values values, List<ConfigProblem> problems)
    {
        public Result
        {
            requireNonNull(values, "values is null");
            problems = List.copyOf(requireNonNull(problems, "problems is null"));
        }

        public boolean valid()
        {
            return problems.isEmpty();
        }
    }

    private TuningRequest() {}

    /**
     * Parses and validates {@code body} against the current values.
     *
     * @param maxConcurrency the copy concurrency the run started with
     */
    public static Result parse(String body, RunTuning.Values current, int maxConcurrency)
    {
        requireNonNull(body, "body is null");
        requireNonNull(current, "current is null");
        List<ConfigProblem> problems = new ArrayList<>();
        JsonNode document;
        try {
            document = body.isBlank() ? null : JSON.readTree(body);
        }
        catch (JsonProcessingException e) {
            problems.add(new ConfigProblem("", "the body is not valid JSON: " + e.getOriginalMessage()));
            return new Result(current, problems);
        }
        if (document == null || (document.isObject() && document.isEmpty())) {
            problems.add(new ConfigProblem("", "nothing to tune: send e.g. {\"copy\": {\"batchSize\": 500}}; keys: copy.batchSize, copy.concurrency, "
                    + "copy.rowsPerSecond, replication.batchSize"));
            return new Result(current, problems);
        }
        ConfigTree root = ConfigTree.root(document, problems);
        if (!problems.isEmpty()) {
            return new Result(current, problems);
        }
        ConfigTree copy = root.section("copy");
        ConfigTree replication = root.section("replication");
        int batchSize = copy.integer("batchSize", current.copyBatchSize(), 1, CopyConfig.MAX_BATCH_SIZE);
        int concurrency = copy.integer("concurrency", current.copyConcurrency(), 1, CopyConfig.MAX_CONCURRENCY);
        if (concurrency > maxConcurrency) {
            copy.problem("concurrency", "can be raised up to " + maxConcurrency + " while running, the value the run started with (got "
                    + concurrency + "); set copy.concurrency in the config and resume for more");
            concurrency = current.copyConcurrency();
        }
        long rowsPerSecond = copy.longValue("rowsPerSecond", current.copyRowsPerSecond(), 0, MAX_ROWS_PER_SECOND);
        int replicationBatchSize = replication.integer("batchSize", current.replicationBatchSize(), 1, ReplicationConfig.MAX_BATCH_SIZE);
        root.reportUnknownKeys();
        RunTuning.Values values = new RunTuning.Values(batchSize, concurrency, replicationBatchSize, rowsPerSecond);
        return new Result(problems.isEmpty() ? values : current, problems);
    }
}
