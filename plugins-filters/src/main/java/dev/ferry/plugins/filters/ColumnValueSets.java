package dev.ferry.plugins.filters;

import dev.ferry.plugins.filters.ColumnValues.Membership;
import dev.ferry.plugins.filters.ColumnValues.Ordering;

import java.math.BigDecimal;

import static dev.ferry.plugins.filters.ColumnValues.NOT_A_LONG;
import static dev.ferry.plugins.filters.ColumnValues.compareBytes;
import static dev.ferry.plugins.filters.ColumnValues.decimal;
import static dev.ferry.plugins.filters.ColumnValues.parseLong;
import static dev.ferry.plugins.filters.ColumnValues.temporalKey;

/**
 * The value sets and orderings that {@link ColumnValues} builds for one column: memberships
 * ({@code IN}, {@code =}) and orderings ({@code <}, {@code BETWEEN}) per kind of value.
 */
final class ColumnValueSets
{
    private ColumnValueSets() {}

    static final class NumberMembership
            implements Membership
    {
        private final long[] longs;
        private final BigDecimal[] numbers;

        NumberMembership(long[] longs, BigDecimal[] numbers)
        {
            this.longs = longs;
            this.numbers = numbers;
        }

        @Override
        public boolean contains(byte[] value)
        {
            long parsed = parseLong(value);
            if (parsed != NOT_A_LONG) {
                // every literal that can equal an integer of at most 18 digits is in longs
                for (long candidate : longs) {
                    if (candidate == parsed) {
                        return true;
                    }
                }
                return false;
            }
            BigDecimal decimal = decimal(value);
            for (BigDecimal candidate : numbers) {
                if (candidate.compareTo(decimal) == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class TemporalMembership
            implements Membership
    {
        private final long[] keys;

        TemporalMembership(long[] keys)
        {
            this.keys = keys;
        }

        @Override
        public boolean contains(byte[] value)
        {
            long key = temporalKey(value);
            for (long candidate : keys) {
                if (candidate == key) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class BytesMembership
            implements Membership
    {
        private final byte[][] literals;
        private final boolean padSpace;

        BytesMembership(byte[][] literals, boolean padSpace)
        {
            this.literals = literals;
            this.padSpace = padSpace;
        }

        @Override
        public boolean contains(byte[] value)
        {
            for (byte[] literal : literals) {
                if (compareBytes(value, literal, padSpace) == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class CollatedMembership
            implements Membership
    {
        private static final java.util.function.Function<byte[], Object> AS_BYTES = value -> value;

        private final BytesMembership bytes;
        private final CachedLookup probe;

        CollatedMembership(BytesMembership bytes, CachedLookup probe)
        {
            this.bytes = bytes;
            this.probe = probe;
        }

        @Override
        public boolean contains(byte[] value)
        {
            // equal bytes are equal under every collation; only the rest needs the server
            return bytes.contains(value) || probe.test(value, AS_BYTES);
        }
    }

    static final class NumberOrdering
            implements Ordering
    {
        private final BigDecimal literal;
        private final long literalLong;
        private final boolean isLong;

        NumberOrdering(BigDecimal literal, boolean isLong)
        {
            this.literal = literal;
            this.isLong = isLong;
            this.literalLong = isLong ? literal.longValueExact() : 0;
        }

        @Override
        public int compare(byte[] value)
        {
            long parsed = parseLong(value);
            if (parsed != NOT_A_LONG) {
                return isLong ? Long.compare(parsed, literalLong) : BigDecimal.valueOf(parsed).compareTo(literal);
            }
            return decimal(value).compareTo(literal);
        }
    }

    static final class TemporalOrdering
            implements Ordering
    {
        private final long literal;

        TemporalOrdering(long literal)
        {
            this.literal = literal;
        }

        @Override
        public int compare(byte[] value)
        {
            return Long.compare(temporalKey(value), literal);
        }
    }

    static final class BytesOrdering
            implements Ordering
    {
        private final byte[] literal;
        private final boolean padSpace;

        BytesOrdering(byte[] literal, boolean padSpace)
        {
            this.literal = literal;
            this.padSpace = padSpace;
        }

        @Override
        public int compare(byte[] value)
        {
            return compareBytes(value, literal, padSpace);
        }
    }
}
