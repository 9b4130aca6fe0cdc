package dev.ferry.runtime.copy;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.TestDatabase;

import java.util.Map;
import java.util.TreeMap;

/**
 * Config and run helpers shared by the copy engine's integration tests.
 */
final class CopyTesting
{
    private CopyTesting() {}

    /**
     * How a run ended, and how many key ranges each table (by bare name) was split into.
     */
    record Outcome(RunResult result, Map<String, Integer> ranges) {}

    /**
     * A config moving the test database, with {@code extra} YAML appended, that cuts over on its
     * own once the copy is done.
     */
    static String config(TestDatabase db, String extra)
    {
        String config = TestingFerry.config(db.servers(), db.name(), extra);
        return config.contains("\ncutover:") ? config : config + "cutover:\n  automatic: true\n";
    }

    static RunResult run(TestDatabase db, String extra)
            throws InterruptedException
    {
        return TestingFerry.run(db.servers(), config(db, extra));
    }

    static Outcome runWithPlans(TestDatabase db, String extra)
            throws InterruptedException
    {
        try (Ferry ferry = TestingFerry.create(db.servers(), config(db, extra))) {
            RunResult result = ferry.run();
            Map<String, Integer> ranges = new TreeMap<>();
            for (TablePlan plan : ferry.tables()) {
                ranges.put(plan.table().name().table(), plan.progress().rangesTotal());
            }
            return new Outcome(result, ranges);
        }
    }

    /**
     * The message of a failure with its causes, for assertions on what the user reads.
     */
    static String failure(Throwable e)
    {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(cause.getMessage());
        }
        return text.toString();
    }
}
