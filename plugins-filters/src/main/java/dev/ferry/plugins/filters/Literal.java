package dev.ferry.plugins.filters;

import java.math.BigDecimal;

import static java.util.Objects.requireNonNull;

/**
 * A constant of a copy filter: a number (integer or exact decimal), a string, or NULL.
 *
 * @param type which kind of constant
 * @param number the value of a number, else null
 * @param text the value of a string, else null
 * @param source how the constant is written, for messages ({@code 7}, {@code 'paid'}, {@code NULL})
 */
record Literal(Type type, BigDecimal number, String text, String source)
{
    enum Type
    {
        NUMBER, STRING, NULL
    }

    static final Literal NULL = new Literal(Type.NULL, null, null, "NULL");

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    Literal
    {
        requireNonNull(type, "type is null");
        requireNonNull(source, "source is null");
        if ((type == Type.NUMBER) != (number != null) || (type == Type.STRING) != (text != null)) {
            throw new IllegalArgumentException("a " + type + " literal has the wrong value: " + source);
        }
    }

    static Literal number(BigDecimal value, String source)
    {
        return new Literal(Type.NUMBER, requireNonNull(value, "value is null"), null, source);
    }

    static Literal string(String value)
    {
        return new Literal(Type.STRING, null, requireNonNull(value, "value is null"), quote(value));
    }

    /**
     * Whether this is an integer (written without a fraction) that fits a Java long.
     */
    boolean isLong()
    {
        return type == Type.NUMBER && number.scale() <= 0 && number.compareTo(LONG_MIN) >= 0 && number.compareTo(LONG_MAX) <= 0;
    }

    /**
     * The value as bound with {@code PreparedStatement.setObject}: Long for integers that fit,
     * BigDecimal for other numbers (an exact DECIMAL literal on the server), String, or null.
     */
    Object parameter()
    {
        switch (type) {
            case NUMBER:
                return isLong() ? (Object) number.longValueExact() : number;
            case STRING:
                return text;
            default:
                return null;
        }
    }

    private static String quote(String value)
    {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String toString()
    {
        return source;
    }
}
