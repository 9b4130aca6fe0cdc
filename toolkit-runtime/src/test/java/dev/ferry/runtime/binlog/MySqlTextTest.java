package dev.ferry.runtime.binlog;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MySqlTextTest
{
    @Test
    void signedIntegers()
    {
        assertEquals("0", text(MySqlText.signed(0)));
        assertEquals("-128", text(MySqlText.signed(-128)));
        assertEquals("1023", text(MySqlText.signed(1023)));
        assertEquals("1024", text(MySqlText.signed(1024)));
        assertEquals("-129", text(MySqlText.signed(-129)));
        assertEquals("9223372036854775807", text(MySqlText.signed(Long.MAX_VALUE)));
        assertEquals("-9223372036854775808", text(MySqlText.signed(Long.MIN_VALUE)));
        assertEquals("-2147483648", text(MySqlText.signed(Integer.MIN_VALUE)));
        assertEquals("1000000000000000000", text(MySqlText.signed(1_000_000_000_000_000_000L)));
    }

    @Test
    void unsignedBigint()
    {
        assertEquals("18446744073709551615", text(MySqlText.unsigned(-1)));
        assertEquals("9223372036854775808", text(MySqlText.unsigned(Long.MIN_VALUE)));
        assertEquals("9223372036854775807", text(MySqlText.unsigned(Long.MAX_VALUE)));
        assertEquals("0", text(MySqlText.unsigned(0)));
        assertEquals("18446744073709551606", text(MySqlText.unsigned(-10)));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextLong();
            assertEquals(Long.toUnsignedString(value), text(MySqlText.unsigned(value)));
            assertEquals(Long.toString(value), text(MySqlText.signed(value)));
        }
    }

    @Test
    void decimalKeepsTheColumnScale()
    {
        assertEquals("1.50", text(MySqlText.decimal(new BigDecimal("1.5"), 2)));
        assertEquals("0.000000000000000000000000000000", text(MySqlText.decimal(BigDecimal.ZERO, 30)));
        assertEquals("-12345678901234567890123456789012345.123456789012345678901234567890",
                text(MySqlText.decimal(new BigDecimal("-12345678901234567890123456789012345.123456789012345678901234567890"), 30)));
        assertEquals("100", text(MySqlText.decimal(new BigDecimal("1E+2"), 0)));
        assertThrows(ArithmeticException.class, () -> MySqlText.decimal(new BigDecimal("1.234"), 2));
    }

    @Test
    void doublesAsMySqlPrintsThem()
    {
        // values checked against MariaDB 10.11 SELECT output
        assertDouble("0.1", 0.1);
        assertDouble("1e15", 1e15);
        assertDouble("100000000000000", 1e14);
        assertDouble("5e-324", Double.MIN_VALUE);
        assertDouble("1.7976931348623157e308", Double.MAX_VALUE);
        assertDouble("1.2345678901234568e17", 123456789012345678.0);
        assertDouble("0.000000000000001", 1e-15);
        assertDouble("1e-16", 1e-16);
        assertDouble("0.30000000000000004", 0.1 + 0.2);
        assertDouble("-1.5", -1.5);
        assertDouble("100", 100.0);
        assertDouble("0.00001", 1e-5);
        assertDouble("123.456", 123.456);
        assertDouble("0", 0.0);
        assertDouble("-0", -0.0);
        assertDouble("2.2250738585072014e-308", Double.MIN_NORMAL);
        assertDouble("-1e-300", -1e-300);
        assertDouble("123456789012345.6", 123456789012345.6);
        assertDouble("1.234567890123456e15", 1234567890123456.0);
        assertDouble("0.0000000000000015", 1.5e-15);
        assertDouble("1.2345678901234568e16", 12345678901234568.0);
        assertDouble("1e23", 9.999999999999999e22);
    }

    @Test
    void floatsWidenToTheirExactDouble()
    {
        // MariaDB's CAST(float_column AS DOUBLE) for the same values
        assertDouble("3.4028234663852886e38", Float.MAX_VALUE);
        assertDouble("0.10000000149011612", 0.1f);
        assertDouble("1.1754943508222875e-38", 1.17549435e-38f);
        assertDouble("1234.5677490234375", 1234.5678f);
        assertDouble("1.0000000168623835e-16", 1e-16f);
        assertDouble("16777216", 16777217f);
        assertDouble("1.401298464324817e-45", Float.MIN_VALUE);
    }

    @Test
    void doublesInJson()
    {
        assertEquals("1e15", MySqlText.formatDouble(1e15, MySqlText.JSON_DOUBLE_WIDTH));
        assertEquals("0.5", MySqlText.formatDouble(0.5, MySqlText.JSON_DOUBLE_WIDTH));
        assertEquals("-1.7976931348623157e308", MySqlText.formatDouble(-Double.MAX_VALUE, MySqlText.JSON_DOUBLE_WIDTH));
    }

    @Test
    void everyDoubleReadsBackExactly()
    {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 40_000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue;
            }
            String text = MySqlText.formatDouble(value, MySqlText.COLUMN_DOUBLE_WIDTH);
            assertEquals(Double.doubleToLongBits(value), Double.doubleToLongBits(Double.parseDouble(text)), text);
            float single = (float) value;
            if (!Float.isInfinite(single)) {
                String floatText = MySqlText.formatDouble(single, MySqlText.COLUMN_DOUBLE_WIDTH);
                // MySQL reads FLOAT input as a double, then narrows it
                assertEquals(Float.floatToIntBits(single), Float.floatToIntBits((float) Double.parseDouble(floatText)), floatText);
            }
        }
    }

    @Test
    void digitsAreTheShortestThatReadBack()
    {
        // Java 17's Double.toString sometimes gives more digits than needed (JDK-4511638); MySQL never does
        assertDouble("2e23", 2e23);
        assertDouble("1e23", 1e23);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            double value = Math.abs(Double.longBitsToDouble(random.nextLong()));
            if (Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
                continue;
            }
            String text = MySqlText.formatDouble(value, MySqlText.COLUMN_DOUBLE_WIDTH);
            int digits = significantDigits(text);
            if (digits > 1) {
                BigDecimal shorter = new BigDecimal(value).round(new MathContext(digits - 1, RoundingMode.HALF_EVEN));
                assertNotEquals(value, Double.parseDouble(shorter.toString()), text + " is not the shortest");
            }
        }
    }

    @Test
    void digitsMatchAnExactShortestClosestReference()
    {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 4_000; i++) {
            double value = Math.abs(Double.longBitsToDouble(random.nextLong()));
            if (i % 2 == 0) {
                value = random.nextInt(1_000_000_000) / Math.pow(10, random.nextInt(12));
            }
            if (Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
                continue;
            }
            assertEquals(reference(value), new BigDecimal(MySqlText.formatDouble(value, MySqlText.COLUMN_DOUBLE_WIDTH)).stripTrailingZeros(),
                    Double.toString(value));
        }
    }

    /**
     * dtoa mode 0 by brute force: the fewest digits that read back, the closest of those.
     */
    private static BigDecimal reference(double value)
    {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.DOWN));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.UP));
            boolean downReads = Double.parseDouble(down.toString()) == value;
            boolean upReads = Double.parseDouble(up.toString()) == value;
            if (downReads && upReads) {
                return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            }
            if (downReads || upReads) {
                return (downReads ? down : up).stripTrailingZeros();
            }
        }
        throw new AssertionError(value);
    }

    private static int significantDigits(String text)
    {
        String mantissa = text.contains("e") ? text.substring(0, text.indexOf('e')) : text;
        String digits = mantissa.replace(".", "").replace("-", "");
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
        }
        int end = digits.length();
        while (end > start + 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return end - start;
    }

    private static void assertDouble(String expected, double value)
    {
        assertEquals(expected, MySqlText.formatDouble(value, MySqlText.COLUMN_DOUBLE_WIDTH));
    }

    static String text(byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
