package dev.ferry.api.model;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * One typed value of a pagination or row key. Integers cover the whole signed and unsigned 64-bit
 * range; text is compared by the server's collation in SQL, and by code point here only for
 * tie-breaking in tests and logs.
 */
public sealed interface KeyValue
        extends Comparable<KeyValue>
        permits KeyValue.SignedInt, KeyValue.UnsignedInt, KeyValue.Text, KeyValue.Bytes
{
    /**
     * The value's canonical text: decimal digits for integers, the string itself for text, and
     * lower-case hex for bytes.
     */
    String text();

    /**
     * Creates a key value from the bytes MySQL's text protocol returns for a column of the given
     * type (what {@code ResultSet.getBytes} yields), decoding text with {@code charset}.
     */
    static KeyValue fromWire(Column column, byte[] wire, java.nio.charset.Charset charset)
    {
        requireNonNull(wire, "wire is null");
        switch (column.type().family()) {
            case INTEGER: {
                String digits = new String(wire, java.nio.charset.StandardCharsets.US_ASCII);
                return column.unsigned() ? new UnsignedInt(Long.parseUnsignedLong(digits)) : new SignedInt(Long.parseLong(digits));
            }
            case BINARY:
                return new Bytes(wire);
            default:
                return new Text(new String(wire, charset));
        }
    }

    record SignedInt(long value)
            implements KeyValue
    {
        @Override
        public String text()
        {
            return Long.toString(value);
        }

        @Override
        public int compareTo(KeyValue other)
        {
            if (other instanceof SignedInt signed) {
                return Long.compare(value, signed.value);
            }
            if (other instanceof UnsignedInt unsigned) {
                return value < 0 ? -1 : Long.compareUnsigned(value, unsigned.bits());
            }
            return KeyValue.kindOrder(this) - KeyValue.kindOrder(other);
        }
    }

    /**
     * An unsigned 64-bit integer held in the bits of a long: {@code 2^64-1} is {@code -1L}.
     */
    record UnsignedInt(long bits)
            implements KeyValue
    {
        public static UnsignedInt of(BigInteger value)
        {
            if (value.signum() < 0 || value.bitLength() > 64) {
                throw new IllegalArgumentException("not an unsigned 64-bit integer: " + value);
            }
            return new UnsignedInt(value.longValue());
        }

        public BigInteger toBigInteger()
        {
            return new BigInteger(Long.toUnsignedString(bits));
        }

        @Override
        public String text()
        {
            return Long.toUnsignedString(bits);
        }

        @Override
        public int compareTo(KeyValue other)
        {
            if (other instanceof UnsignedInt unsigned) {
                return Long.compareUnsigned(bits, unsigned.bits);
            }
            if (other instanceof SignedInt signed) {
                return -signed.compareTo(this);
            }
            return KeyValue.kindOrder(this) - KeyValue.kindOrder(other);
        }
    }

    record Text(String value)
            implements KeyValue
    {
        public Text
        {
            requireNonNull(value, "value is null");
        }

        @Override
        public String text()
        {
            return value;
        }

        @Override
        public int compareTo(KeyValue other)
        {
            if (other instanceof Text text) {
                return value.compareTo(text.value);
            }
            return KeyValue.kindOrder(this) - KeyValue.kindOrder(other);
        }
    }

    /**
     * Binary string bytes, compared as unsigned bytes as MySQL does for binary collations.
     */
    record Bytes(byte[] value)
            implements KeyValue
    {
        public Bytes
        {
            value = requireNonNull(value, "value is null").clone();
        }

        @Override
        public byte[] value()
        {
            return value.clone();
        }

        public static Bytes fromHex(String hex)
        {
            return new Bytes(HexFormat.of().parseHex(hex));
        }

        @Override
        public String text()
        {
            return HexFormat.of().formatHex(value);
        }

        @Override
        public int compareTo(KeyValue other)
        {
            if (other instanceof Bytes bytes) {
                return Arrays.compareUnsigned(value, bytes.value);
            }
            return KeyValue.kindOrder(this) - KeyValue.kindOrder(other);
        }

        @Override
        public boolean equals(Object o)
        {
            return o instanceof Bytes other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString()
        {
            return "Bytes[" + text() + "]";
        }
    }

    private static int kindOrder(KeyValue value)
    {
        if (value instanceof SignedInt || value instanceof UnsignedInt) {
            return 0;
        }
        return value instanceof Text ? 1 : 2;
    }
}
