package dev.ferry.plugins.filters;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ferry.api.FerryException;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * A yes/no question about one row value that only the source can answer (does this parent row
 * belong to the tenant? are these two strings equal under the column's collation?), with the
 * answers kept in a bounded Caffeine cache keyed by the value's bytes.
 *
 * <p>Thread-safe: the copy threads read the cache without a shared lock. Two threads missing the
 * same key at once may both ask the source (the query runs outside the cache, so a slow source
 * never blocks hits on other keys).
 */
final class CachedLookup
{
    /**
     * Asks the source; {@code parameter} is the value in the form the query binds.
     */
    @FunctionalInterface
    interface Query
    {
        boolean ask(Object parameter)
                throws SQLException;
    }

    /**
     * Prepares queries whose {@code ?} placeholders take {@code before}, then the asked value,
     * then {@code after}. A query answers yes when the first column of its first row is 1, and
     * {@code missing} when it returns no row.
     */
    @FunctionalInterface
    interface QueryFactory
    {
        Query create(String sql, List<Object> before, List<Object> after, boolean missing);
    }

    private final Query query;
    private final Cache<ByteBuffer, Boolean> answers;
    private final String description;
    private final LongAdder queries = new LongAdder();

    /**
     * @param description what is asked, for errors: "cannot {description} on the source"
     */
    CachedLookup(Query query, int capacity, String description)
    {
        this.query = requireNonNull(query, "query is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive (got " + capacity + ")");
        }
        // evictions run on the calling thread: no common-pool task per insert, and the bound
        // holds as soon as put returns
        this.answers = Caffeine.newBuilder()
                .maximumSize(capacity)
                .executor(Runnable::run)
                .build();
        this.description = requireNonNull(description, "description is null");
    }

    /**
     * The answer for a value: from the cache, else from the source.
     *
     * @param value the value's row bytes, the cache key; not modified, copied when cached
     * @param parameter turns the value into the parameter the query binds, called on a miss only
     * @throws FerryException when the source cannot be asked
     */
    boolean test(byte[] value, Function<byte[], Object> parameter)
    {
        Boolean cached = answers.getIfPresent(ByteBuffer.wrap(value));
        if (cached != null) {
            return cached;
        }
        boolean answer;
        try {
            queries.increment();
            answer = query.ask(parameter.apply(value));
        }
        catch (SQLException e) {
            throw new FerryException("copy filter: cannot " + description + " on the source: " + e.getMessage(), e);
        }
        answers.put(ByteBuffer.wrap(value.clone()), answer);
        return answer;
    }

    /**
     * Records the answer for a value learnt otherwise, e.g. from a binlog image of the row it
     * depends on; it replaces any cached answer.
     */
    void record(byte[] value, boolean answer)
    {
        answers.put(ByteBuffer.wrap(value.clone()), answer);
    }

    /**
     * How many times the source was asked.
     */
    long queries()
    {
        return queries.sum();
    }

    /**
     * How many answers are cached, after pending evictions.
     */
    long cachedAnswers()
    {
        answers.cleanUp();
        return answers.estimatedSize();
    }
}
