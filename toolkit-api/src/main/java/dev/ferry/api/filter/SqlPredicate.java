package dev.ferry.api.filter;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A boolean SQL expression with {@code ?} placeholders and the values bound to them, in order.
 * Values are never spliced into the SQL text. Column names in the SQL refer to the copied table,
 * which the copy SELECT does not alias.
 *
 * @param sql the expression, e.g. {@code `tenant_id` IN (?, ?)}
 * @param parameters values bound with {@code PreparedStatement.setObject}: String, Long,
 *        BigInteger, BigDecimal, byte[] or null
 */
public record SqlPredicate(String sql, List<Object> parameters)
{
    public SqlPredicate
    {
        requireNonNull(sql, "sql is null");
        parameters = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(requireNonNull(parameters, "parameters is null")));
        long placeholders = sql.chars().filter(c -> c == '?').count();
        if (placeholders != parameters.size()) {
            throw new IllegalArgumentException("predicate has " + placeholders + " placeholders but " + parameters.size() + " parameters: " + sql);
        }
    }
}
