package dev.ferry.plugins.filters;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A {@link CachedLookup.Query} run on a connection borrowed from the source pool for each
 * question.
 */
final class SourceQuery
        implements CachedLookup.Query
{
    private final Supplier<DataSource> source;
    private final String sql;
    private final List<Object> before;
    private final List<Object> after;
    private final boolean missing;

    SourceQuery(Supplier<DataSource> source, String sql, List<Object> before, List<Object> after, boolean missing)
    {
        this.source = requireNonNull(source, "source is null");
        this.sql = requireNonNull(sql, "sql is null");
        // may hold byte[] and null, which List.copyOf refuses
        this.before = new ArrayList<>(before);
        this.after = new ArrayList<>(after);
        this.missing = missing;
    }

    static CachedLookup.QueryFactory factory(Supplier<DataSource> source)
    {
        requireNonNull(source, "source is null");
        return (sql, before, after, missing) -> new SourceQuery(source, sql, before, after, missing);
    }

    @Override
    public boolean ask(Object parameter)
            throws SQLException
    {
        try (Connection connection = source.get().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            for (Object value : before) {
                statement.setObject(index++, value);
            }
            statement.setObject(index++, parameter);
            for (Object value : after) {
                statement.setObject(index++, value);
            }
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return missing;
                }
                return rows.getInt(1) == 1;
            }
        }
    }
}
