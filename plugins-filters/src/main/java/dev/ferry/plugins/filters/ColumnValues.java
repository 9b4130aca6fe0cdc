package dev.ferry.plugins.filters;

import dev.ferry.api.model.MySqlCharsets;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How a copy filter compares one column's row values (the text-protocol bytes of a
 * {@link dev.ferry.api.model.Row}) with literals, so that it agrees with the server evaluating the
 * same comparison in the copy SELECT:
 * <ul>
 * <li>integers, YEAR and DECIMAL: numerically and exactly (unsigned BIGINT included);</li>
 * <li>DATE, DATETIME and TIMESTAMP: against literals written {@code 'YYYY-MM-DD'} or
 * {@code 'YYYY-MM-DD hh:mm:ss[.fraction]'}, as points in time (TIMESTAMP in UTC, ferry's session
 * time zone);</li>
 * <li>binary strings (BINARY, VARBINARY, BLOB): byte by byte, the literal in UTF-8;</li>
 * <li>text (CHAR, VARCHAR, TEXT, ENUM) with a binary collation ({@code *_bin}): byte by byte in
 * the column's character set, ignoring trailing spaces unless the collation is NO PAD;</li>
 * <li>text with any other collation: equal bytes are equal; for unequal bytes the source decides
 * under the column's collation (so {@code 'ACME'} equals {@code 'acme'} under a {@code _ci}
 * collation, exactly as in the copy), and the answer is cached. Ordering comparisons
 * ({@code <}, {@code BETWEEN}) are refused there: byte order and collation order disagree.</li>
 * </ul>
 * Other types (floating point, BIT, TIME, SET, JSON, spatial) cannot be compared with literals.
 */
final class ColumnValues
{
    enum Kind
    {
        NUMBER, TEMPORAL, TEXT, BYTES
    }

    /**
     * Whether a row value belongs to a set of literals.
     */
    interface Membership
    {
        /**
         * @param value a row value, not null
         */
        boolean contains(byte[] value);
    }

    /**
     * The order of a row value against one literal.
     */
    interface Ordering
    {
        /**
         * Negative, zero or positive as {@code value} is less than, equal to or greater than the
         * literal.
         */
        int compare(byte[] value);
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern FRACTION_DIGITS = Pattern.compile("\\((\\d)\\)");
    private static final Pattern DATE_TIME = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})(?: (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?)?");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)");
    static final long NOT_A_LONG = Long.MIN_VALUE;
    private static final long NOT_A_TIME = -1;

    private final Column column;
    private final Kind kind;
    private final Charset charset;
    private final boolean binaryCollation;
    private final boolean padSpace;
    private final int fractionDigits;

    private ColumnValues(Column column, Kind kind, Charset charset, boolean binaryCollation, boolean padSpace, int fractionDigits)
    {
        this.column = column;
        this.kind = kind;
        this.charset = charset;
        this.binaryCollation = binaryCollation;
        this.padSpace = padSpace;
        this.fractionDigits = fractionDigits;
    }

    /**
     * @throws IllegalArgumentException saying why the column cannot be compared with literals
     */
    static ColumnValues of(Column column)
    {
        requireNonNull(column, "column is null");
        ColumnType type = column.type();
        switch (type.family()) {
            case INTEGER:
            case DECIMAL:
                return new ColumnValues(column, Kind.NUMBER, null, true, false, 0);
            case TEMPORAL:
                if (type == ColumnType.TIME) {
                    throw unsupported(column, "TIME values cannot be compared with literals");
                }
                return new ColumnValues(column, Kind.TEMPORAL, null, true, false, fractionDigits(column));
            case BINARY:
                if (type == ColumnType.VECTOR) {
                    throw unsupported(column, "VECTOR values cannot be compared with literals");
                }
                return new ColumnValues(column, Kind.BYTES, null, true, false, 0);
            case TEXT: {
                if (type == ColumnType.SET) {
                    throw unsupported(column, "SET values cannot be compared with literals");
                }
                if (!MySqlCharsets.isAsciiCompatible(column.charset())) {
                    throw unsupported(column, "its character set " + column.charset() + " is not supported (use an ASCII-compatible one such as utf8mb4)");
                }
                Charset charset;
                try {
                    charset = MySqlCharsets.forMySqlName(column.charset());
                }
                catch (IllegalArgumentException e) {
                    throw unsupported(column, e.getMessage());
                }
                String collation = column.collation() == null ? "" : column.collation().toLowerCase(Locale.ROOT);
                boolean binary = collation.endsWith("_bin") || collation.equals("binary");
                boolean noPad = collation.contains("_nopad") || collation.contains("_0900_");
                if (!binary && (column.charset() == null || !NAME.matcher(column.charset()).matches() || !NAME.matcher(collation).matches())) {
                    throw unsupported(column, "its collation " + column.collation() + " is unknown");
                }
                return new ColumnValues(column, Kind.TEXT, charset, binary, !noPad, 0);
            }
            case FLOATING:
                throw unsupported(column, "floating-point values are approximate; compare a DECIMAL or integer column");
            default:
                throw unsupported(column, column.columnType() + " values cannot be compared with literals");
        }
    }

    private static IllegalArgumentException unsupported(Column column, String reason)
    {
        return new IllegalArgumentException("column " + column.name() + " (" + column.columnType() + ") cannot be filtered: " + reason);
    }

    Column column()
    {
        return column;
    }

    Kind kind()
    {
        return kind;
    }

    /**
     * Whether equality is decided by the column's collation on the source rather than by bytes.
     */
    boolean usesSourceCollation()
    {
        return kind == Kind.TEXT && !binaryCollation;
    }

    /**
     * A configured value (e.g. a sharding value) as a literal of this column's kind.
     *
     * @throws IllegalArgumentException when a numeric column's value is not a number
     */
    Literal literal(String value)
    {
        if (kind != Kind.NUMBER) {
            return Literal.string(value);
        }
        if (!DECIMAL.matcher(value).matches()) {
            throw new IllegalArgumentException("\"" + value + "\" is not a number, but column " + column.name() + " is " + column.columnType());
        }
        return Literal.number(new BigDecimal(value), value);
    }

    /**
     * A membership test for non-null literals.
     *
     * @param queries asks the source, for text under a non-binary collation
     * @throws IllegalArgumentException when a literal does not suit the column
     */
    Membership membership(List<Literal> literals, CachedLookup.QueryFactory queries, int cacheSize)
    {
        switch (kind) {
            case NUMBER: {
                List<BigDecimal> numbers = new ArrayList<>();
                List<Long> longs = new ArrayList<>();
                for (Literal literal : literals) {
                    BigDecimal number = number(literal);
                    numbers.add(number);
                    // 7.0 equals the integer 7; 7.5 and values beyond the long range equal no long
                    BigDecimal integral = number.stripTrailingZeros();
                    if (integral.scale() <= 0 && integral.precision() - integral.scale() <= 19 && integral.toBigInteger().bitLength() < 64) {
                        longs.add(integral.longValueExact());
                    }
                }
                return new ColumnValueSets.NumberMembership(longs.stream().mapToLong(Long::longValue).toArray(), numbers.toArray(new BigDecimal[0]));
            }
            case TEMPORAL: {
                long[] keys = new long[literals.size()];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = temporal(literals.get(i));
                }
                return new ColumnValueSets.TemporalMembership(keys);
            }
            default: {
                byte[][] encoded = new byte[literals.size()][];
                for (int i = 0; i < encoded.length; i++) {
                    encoded[i] = bytes(literals.get(i));
                }
                ColumnValueSets.BytesMembership bytes = new ColumnValueSets.BytesMembership(encoded, padSpace);
                if (!usesSourceCollation()) {
                    return bytes;
                }
                StringBuilder sql = new StringBuilder("SELECT CONVERT(? USING ").append(column.charset()).append(") COLLATE ").append(column.collation()).append(" IN (");
                List<Object> parameters = new ArrayList<>();
                for (int i = 0; i < encoded.length; i++) {
                    sql.append(i == 0 ? "" : ", ").append("CONVERT(? USING ").append(column.charset()).append(')');
                    parameters.add(encoded[i]);
                }
                sql.append(')');
                CachedLookup probe = new CachedLookup(queries.create(sql.toString(), List.of(), parameters, false), cacheSize,
                        "compare column " + column.name() + " with " + literals + " under collation " + column.collation());
                return new ColumnValueSets.CollatedMembership(bytes, probe);
            }
        }
    }

    /**
     * An ordering against one non-null literal.
     *
     * @throws IllegalArgumentException when the literal does not suit the column, or the column's
     *         collation orders differently from its bytes
     */
    Ordering ordering(Literal literal)
    {
        switch (kind) {
            case NUMBER:
                return new ColumnValueSets.NumberOrdering(number(literal), literal.isLong());
            case TEMPORAL:
                return new ColumnValueSets.TemporalOrdering(temporal(literal));
            default:
                if (usesSourceCollation()) {
                    throw new IllegalArgumentException("column " + column.name() + " has the collation " + column.collation()
                            + ", under which the server orders strings differently from ferry (which compares bytes): "
                            + "use =, <>, IN or NOT IN on it, or compare a column with a binary (_bin) collation");
                }
                return new ColumnValueSets.BytesOrdering(bytes(literal), padSpace);
        }
    }

    /**
     * A row value of this column as bound with {@code PreparedStatement.setObject} to compare it
     * with a column of the same kind in SQL.
     */
    Object parameter(byte[] value)
    {
        switch (kind) {
            case NUMBER: {
                long parsed = parseLong(value);
                return parsed != NOT_A_LONG ? (Object) parsed : new BigDecimal(new String(value, StandardCharsets.US_ASCII));
            }
            case TEMPORAL:
                return new String(value, StandardCharsets.US_ASCII);
            case TEXT:
                return new String(value, charset);
            default:
                return value;
        }
    }

    private BigDecimal number(Literal literal)
    {
        if (literal.type() != Literal.Type.NUMBER) {
            throw new IllegalArgumentException("column " + column.name() + " is " + column.columnType() + ": compare it with a number, not " + literal);
        }
        return literal.number();
    }

    private long temporal(Literal literal)
    {
        boolean dateOnly = column.type() == ColumnType.DATE;
        String expected = dateOnly ? "'YYYY-MM-DD'" : "'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss" + (fractionDigits > 0 ? "[.fraction]" : "") + "'";
        if (literal.type() != Literal.Type.STRING) {
            throw new IllegalArgumentException("column " + column.name() + " is " + column.columnType() + ": compare it with a string written " + expected + ", not " + literal);
        }
        Matcher matcher = DATE_TIME.matcher(literal.text());
        if (!matcher.matches() || dateOnly && matcher.group(4) != null || matcher.group(7) != null && matcher.group(7).length() > fractionDigits) {
            throw new IllegalArgumentException("column " + column.name() + " is " + column.columnType() + ": write the literal " + expected + " (got " + literal + ")");
        }
        try {
            LocalDate.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)));
        }
        catch (DateTimeException e) {
            throw new IllegalArgumentException("literal " + literal + " for column " + column.name() + " is not a valid date: " + e.getMessage());
        }
        long key = temporalKey(literal.text().getBytes(StandardCharsets.US_ASCII));
        if (key == NOT_A_TIME) {
            throw new IllegalArgumentException("literal " + literal + " for column " + column.name() + " is not a valid time of day");
        }
        return key;
    }

    private byte[] bytes(Literal literal)
    {
        if (literal.type() != Literal.Type.STRING) {
            throw new IllegalArgumentException("column " + column.name() + " is " + column.columnType() + ": compare it with a string, not " + literal);
        }
        if (kind == Kind.BYTES) {
            return literal.text().getBytes(StandardCharsets.UTF_8);
        }
        CharsetEncoder encoder = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer encoded = encoder.encode(CharBuffer.wrap(literal.text()));
            byte[] result = new byte[encoded.remaining()];
            encoded.get(result);
            return result;
        }
        catch (CharacterCodingException e) {
            throw new IllegalArgumentException("literal " + literal + " cannot be written in the character set " + column.charset() + " of column " + column.name());
        }
    }

    private static int fractionDigits(Column column)
    {
        Matcher matcher = FRACTION_DIGITS.matcher(column.columnType());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    /**
     * An integer of up to 18 digits written in ASCII, or {@link #NOT_A_LONG} for anything else
     * (longer, a fraction), which then takes the BigDecimal path.
     */
    static long parseLong(byte[] value)
    {
        int length = value.length;
        int i = 0;
        boolean negative = false;
        if (length > 0 && value[0] == '-') {
            negative = true;
            i = 1;
        }
        int digits = length - i;
        if (digits < 1 || digits > 18) {
            return NOT_A_LONG;
        }
        long result = 0;
        for (; i < length; i++) {
            int digit = value[i] - '0';
            if (digit < 0 || digit > 9) {
                return NOT_A_LONG;
            }
            result = result * 10 + digit;
        }
        return negative ? -result : result;
    }

    /**
     * {@code YYYY-MM-DD[ hh:mm:ss[.ffffff]]} as a number that orders like the point in time, or
     * {@link #NOT_A_TIME}.
     */
    static long temporalKey(byte[] value)
    {
        int length = value.length;
        if (length != 10 && length != 19 && (length < 21 || length > 26) || value[4] != '-' || value[7] != '-') {
            return NOT_A_TIME;
        }
        long year = digits(value, 0, 4);
        long month = digits(value, 5, 2);
        long day = digits(value, 8, 2);
        long hour = 0;
        long minute = 0;
        long second = 0;
        long micros = 0;
        if (length > 10) {
            if (value[10] != ' ' || value[13] != ':' || value[16] != ':') {
                return NOT_A_TIME;
            }
            hour = digits(value, 11, 2);
            minute = digits(value, 14, 2);
            second = digits(value, 17, 2);
            if (length > 19) {
                if (value[19] != '.') {
                    return NOT_A_TIME;
                }
                micros = digits(value, 20, length - 20);
                for (int i = length - 20; i < 6 && micros >= 0; i++) {
                    micros *= 10;
                }
            }
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || micros < 0) {
            return NOT_A_TIME;
        }
        return (((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second) * 1_000_000 + micros;
    }

    private static long digits(byte[] value, int offset, int count)
    {
        long result = 0;
        for (int i = offset; i < offset + count; i++) {
            int digit = value[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            result = result * 10 + digit;
        }
        return result;
    }

    /**
     * Compares unsigned bytes; with PAD SPACE the shorter value counts as padded with spaces.
     */
    static int compareBytes(byte[] left, byte[] right, boolean padSpace)
    {
        int common = Math.min(left.length, right.length);
        for (int i = 0; i < common; i++) {
            int difference = (left[i] & 0xff) - (right[i] & 0xff);
            if (difference != 0) {
                return difference;
            }
        }
        if (!padSpace || left.length == right.length) {
            return left.length - right.length;
        }
        byte[] longer = left.length > right.length ? left : right;
        int sign = left.length > right.length ? 1 : -1;
        for (int i = common; i < longer.length; i++) {
            int difference = (longer[i] & 0xff) - ' ';
            if (difference != 0) {
                return sign * difference;
            }
        }
        return 0;
    }

    static BigDecimal decimal(byte[] value)
    {
        return new BigDecimal(new String(value, StandardCharsets.US_ASCII));
    }
}
