package dev.ferry.runtime.binlog;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Numbers in the exact ASCII forms MySQL's text protocol uses for them.
 */
final class MySqlText
{
    /**
     * The field width MySQL passes to {@code my_gcvt} when it prints a DOUBLE column: large enough
     * that only its "prefer the exponent form" rules decide the layout.
     */
    static final int COLUMN_DOUBLE_WIDTH = 341;
    /**
     * {@code MY_GCVT_MAX_FIELD_WIDTH}, the width MySQL uses for doubles inside JSON documents.
     */
    static final int JSON_DOUBLE_WIDTH = 34;

    private static final int MAX_DECPT_FOR_F_FORMAT = 15;
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = power;
            power *= 10;
        }
    }
    private static final int CACHED_LOW = -128;
    private static final int CACHED_HIGH = 1023;
    private static final byte[][] CACHED = new byte[CACHED_HIGH - CACHED_LOW + 1][];

    static {
        for (int i = CACHED_LOW; i <= CACHED_HIGH; i++) {
            CACHED[i - CACHED_LOW] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private MySqlText() {}

    /**
     * Decimal ASCII of a signed value. Small values share cached arrays, which is safe because
     * {@link dev.ferry.api.model.Row} values are never modified.
     */
    static byte[] signed(long value)
    {
        if (value >= CACHED_LOW && value <= CACHED_HIGH) {
            return CACHED[(int) value - CACHED_LOW];
        }
        if (value == Long.MIN_VALUE) {
            return "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
        }
        boolean negative = value < 0;
        long magnitude = negative ? -value : value;
        int digits = digitCount(magnitude);
        byte[] out = new byte[digits + (negative ? 1 : 0)];
        int position = out.length;
        do {
            out[--position] = (byte) ('0' + (int) (magnitude % 10));
            magnitude /= 10;
        }
        while (magnitude != 0);
        if (negative) {
            out[0] = '-';
        }
        return out;
    }

    /**
     * Decimal ASCII of a 64-bit value read as unsigned (so -1 is 18446744073709551615).
     */
    static byte[] unsigned(long value)
    {
        if (value >= 0) {
            return signed(value);
        }
        // the top bit is set: split off the last digit so the rest fits a signed long
        long quotient = (value >>> 1) / 5;
        int lastDigit = (int) (value - quotient * 10);
        byte[] head = signed(quotient);
        byte[] out = new byte[head.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        out[head.length] = (byte) ('0' + lastDigit);
        return out;
    }

    private static int digitCount(long magnitude)
    {
        int digits = 1;
        long bound = 10;
        while (digits < 19 && magnitude >= bound) {
            digits++;
            bound *= 10;
        }
        return digits;
    }

    /**
     * A DECIMAL in plain notation with exactly {@code scale} fraction digits, as MySQL prints it.
     */
    static byte[] decimal(BigDecimal value, int scale)
    {
        BigDecimal scaled = value.scale() == scale ? value : value.setScale(scale);
        return scaled.toPlainString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A double as MySQL prints it: the shortest digits that read back as the same double, laid out
     * the way {@code my_gcvt} does ({@code 0.1}, {@code 1e15}, {@code 1.7976931348623157e308},
     * {@code -0}). Reading the text back with a correctly rounding parser gives the identical
     * value, so a FLOAT widened to double and printed this way also reads back exactly.
     *
     * @param width the {@code my_gcvt} field width: {@link #COLUMN_DOUBLE_WIDTH} or
     *        {@link #JSON_DOUBLE_WIDTH}
     */
    static String formatDouble(double value, int width)
    {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("MySQL cannot store " + value);
        }
        boolean negative = (Double.doubleToRawLongBits(value) & Long.MIN_VALUE) != 0;
        if (value == 0) {
            return negative ? "-0" : "0";
        }
        if (value < 0) {
            // my_gcvt reserves the sign's column before choosing a layout; -0.0 does not count as < 0
            width--;
        }
        // Double.toString always reads back as the same double, but before Java 19 it sometimes
        // gives more digits than needed (JDK-4511638: 4.9E-324, 9.999999999999999E22); MySQL's
        // dtoa gives the shortest, and of those the closest
        double magnitude = Math.abs(value);
        Digits digits = Digits.parse(Double.toString(magnitude));
        boolean shortened = false;
        while (digits.length > 1 && digits.mayShorten(magnitude) && digits.shorten(magnitude)) {
            shortened = true;
        }
        if (shortened) {
            digits = Digits.closest(magnitude, digits.length);
        }
        return layout(negative, digits.chars, 0, digits.length, digits.decpt, width);
    }

    /**
     * Significant digits without leading or trailing zeros, and dtoa's decimal point position:
     * the value is {@code 0.DIGITS} times {@code 10^decpt}.
     */
    private static final class Digits
    {
        final char[] chars = new char[40];
        int length;
        int decpt;

        /**
         * Parses Java's and BigDecimal's number forms: digits, an optional point, an optional
         * exponent ({@code 1.0E-5}, {@code 1.5E+300}).
         */
        static Digits parse(String text)
        {
            Digits digits = new Digits();
            int all = 0;
            int beforePoint = 0;
            boolean seenPoint = false;
            int exponent = 0;
            char[] raw = new char[40];
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '.') {
                    seenPoint = true;
                }
                else if (c == 'E' || c == 'e') {
                    exponent = Integer.parseInt(text.substring(i + 1));
                    break;
                }
                else {
                    if (!seenPoint) {
                        beforePoint++;
                    }
                    raw[all++] = c;
                }
            }
            int start = 0;
            while (start < all - 1 && raw[start] == '0') {
                start++;
            }
            int end = all;
            while (end > start + 1 && raw[end - 1] == '0') {
                end--;
            }
            digits.length = end - start;
            System.arraycopy(raw, start, digits.chars, 0, digits.length);
            digits.decpt = beforePoint + exponent - start;
            return digits;
        }

        /**
         * Whether a neighbour with one digit less can read back as the value at all: it must lie
         * within one ulp of these digits, which themselves read back. Spares the parsing for the
         * many values with few digits.
         */
        boolean mayShorten(double value)
        {
            int last = chars[length - 1] - '0';
            // the weight of the last digit
            int exponent = decpt - length;
            double unit;
            if (Math.abs(exponent) < POWERS_OF_TEN.length) {
                unit = exponent >= 0 ? POWERS_OF_TEN[exponent] : 1 / POWERS_OF_TEN[-exponent];
            }
            else {
                unit = Math.pow(10, exponent);
            }
            // a factor of 2 covers the rounding of unit and ulp
            return Math.min(last, 10 - last) * unit <= 2 * Math.ulp(value);
        }

        /**
         * Replaces these digits by one fewer when the value reads back from one of the two
         * neighbours with one digit less. A shorter string that reads back exists exactly when one
         * of them does, since the set of strings reading back as the value is an interval.
         */
        boolean shorten(double value)
        {
            int shorter = length - 1;
            String down = text(chars, shorter, decpt, false);
            if (Double.parseDouble(down) == value) {
                replace(Digits.parse(down));
                return true;
            }
            String up = text(chars, shorter, decpt, true);
            if (Double.parseDouble(up) == value) {
                replace(Digits.parse(up));
                return true;
            }
            return false;
        }

        private void replace(Digits other)
        {
            System.arraycopy(other.chars, 0, chars, 0, other.length);
            length = other.length;
            decpt = other.decpt;
        }

        private static String text(char[] digits, int count, int decpt, boolean roundUp)
        {
            char[] kept = Arrays.copyOf(digits, count);
            int exponent = decpt;
            if (roundUp) {
                int i = count - 1;
                while (i >= 0 && kept[i] == '9') {
                    kept[i] = '0';
                    i--;
                }
                if (i < 0) {
                    return "0.1e" + (exponent + 1);
                }
                kept[i]++;
            }
            return "0." + new String(kept) + "e" + exponent;
        }

        /**
         * The {@code length}-digit decimal closest to the value among the two around it that read
         * back as the value; dtoa's choice.
         */
        static Digits closest(double value, int length)
        {
            BigDecimal exact = new BigDecimal(value);
            BigDecimal down = exact.round(new MathContext(length, RoundingMode.DOWN));
            BigDecimal up = exact.round(new MathContext(length, RoundingMode.UP));
            boolean downReads = Double.parseDouble(down.toString()) == value;
            boolean upReads = Double.parseDouble(up.toString()) == value;
            BigDecimal chosen;
            if (downReads && upReads) {
                chosen = exact.round(new MathContext(length, RoundingMode.HALF_EVEN));
            }
            else {
                chosen = upReads ? up : down;
            }
            return parse(chosen.toString());
        }
    }

    private static String layout(boolean negative, char[] digits, int start, int len, int decpt, int width)
    {
        int expLen = 1 + ((decpt >= 101 || decpt <= -99) ? 1 : 0) + ((decpt >= 11 || decpt <= -9) ? 1 : 0);
        int fixedLength = decpt <= 0 ? len - decpt + 2 : (decpt < len ? len + 1 : decpt);
        boolean haveSpace = fixedLength <= width;
        boolean forceExponent = decpt <= 0 && width <= 2 - decpt && width >= 3 + expLen;
        boolean fixed = (haveSpace || ((decpt <= width && (decpt >= -1 || (decpt == -2 && (len > 1 || !forceExponent)))) && !forceExponent))
                && (!haveSpace || (decpt >= -MAX_DECPT_FOR_F_FORMAT + 1 && (decpt <= MAX_DECPT_FOR_F_FORMAT || len > decpt)));
        StringBuilder out = new StringBuilder(len + 8);
        if (negative) {
            out.append('-');
        }
        if (fixed) {
            if (decpt <= 0) {
                out.append("0.");
                for (int i = decpt; i < 0; i++) {
                    out.append('0');
                }
                out.append(digits, start, len);
            }
            else if (decpt < len) {
                out.append(digits, start, decpt).append('.').append(digits, start + decpt, len - decpt);
            }
            else {
                out.append(digits, start, len);
                for (int i = len; i < decpt; i++) {
                    out.append('0');
                }
            }
            return out.toString();
        }
        out.append(digits[start]);
        if (len > 1) {
            out.append('.').append(digits, start + 1, len - 1);
        }
        out.append('e').append(decpt - 1);
        return out.toString();
    }
}
