package dev.ferry.runtime.control;

import dev.ferry.config.ConfigProblem;
import dev.ferry.runtime.core.RunTuning;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TuningRequestTest
{
    private static final RunTuning.Values CURRENT = new RunTuning.Values(1000, 4, 500, 0);

    @Test
    void changesOnlyTheKeysGiven()
    {
        TuningRequest.Result result = TuningRequest.parse("{\"copy\": {\"batchSize\": 200, \"rowsPerSecond\": 5000}}", CURRENT, 4);
        assertTrue(result.valid(), result.problems().toString());
        assertEquals(new RunTuning.Values(200, 4, 500, 5000), result.values());

        result = TuningRequest.parse("{\"copy\": {\"concurrency\": 1}, \"replication\": {\"batchSize\": 50}}", CURRENT, 4);
        assertEquals(new RunTuning.Values(1000, 1, 50, 0), result.values());
    }

    @Test
    void reportsEveryProblemWithItsKeyAndTheConfigsBounds()
    {
        TuningRequest.Result result = TuningRequest.parse(
                "{\"copy\": {\"batchSize\": 0, \"concurrency\": 5, \"rowsPerSecond\": -1, \"bachSize\": 3}, \"replication\": {\"batchSize\": \"many\"}}",
                CURRENT, 4);
        assertFalse(result.valid());
        assertEquals(CURRENT, result.values(), "nothing is applied when anything is wrong");
        List<String> problems = result.problems().stream().map(ConfigProblem::toString).toList();
        assertTrue(problems.contains("copy.batchSize: must be between 1 and 100000 (got 0)"), problems.toString());
        assertTrue(problems.contains("copy.concurrency: can be raised up to 4 while running, the value the run started with (got 5); "
                + "set copy.concurrency in the config and resume for more"), problems.toString());
        assertTrue(problems.contains("copy.rowsPerSecond: must be between 0 and 1000000000 (got -1)"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("copy.bachSize: unknown key; known keys here: batchSize, concurrency, rowsPerSecond")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("replication.batchSize: must be a whole number between 1 and 100000")), problems.toString());
        assertEquals(5, problems.size(), problems.toString());
    }

    @Test
    void refusesBodiesThatAreNotARequest()
    {
        assertTrue(TuningRequest.parse("{copy", CURRENT, 4).problems().get(0).message().startsWith("the body is not valid JSON: "));
        assertTrue(TuningRequest.parse("", CURRENT, 4).problems().get(0).message().startsWith("nothing to tune"));
        assertTrue(TuningRequest.parse("[1]", CURRENT, 4).problems().get(0).message().startsWith("the config must be an object"));
        assertEquals("copy: must be a section (an object) (got 3)",
                TuningRequest.parse("{\"copy\": 3}", CURRENT, 4).problems().get(0).toString());
    }
}
