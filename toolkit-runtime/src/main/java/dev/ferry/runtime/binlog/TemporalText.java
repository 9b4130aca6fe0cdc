package dev.ferry.runtime.binlog;

/**
 * Binlog temporal encodings to MySQL's text forms, field by field, with no calendar arithmetic
 * except for TIMESTAMP (seconds since the epoch, printed in UTC). Zero dates, negative TIME and
 * dates before 1582 come out exactly as stored.
 */
final class TemporalText
{
    private static final long TIMEF_OFS = 0x800000000000L;
    private static final long TIMEF_INT_OFS = 0x800000L;
    private static final long DATETIMEF_INT_OFS = 0x8000000000L;
    private static final int[] FRACTION_DIVISORS = {1000000, 100000, 10000, 1000, 100, 10, 1};

    private TemporalText() {}

    /**
     * Bytes of storage after the integer part for a fractional-seconds precision.
     */
    static int fractionBytes(int fsp)
    {
        return (fsp + 1) / 2;
    }

    /**
     * DATE: 3 bytes little-endian, {@code year << 9 | month << 5 | day}.
     */
    static byte[] date(int packed)
    {
        byte[] out = new byte[10];
        writeDate(out, 0, packed >>> 9, (packed >>> 5) & 15, packed & 31);
        return out;
    }

    /**
     * TIME2 (MySQL 5.6.4+, MariaDB with mysql56_temporal_format): 3 bytes big-endian plus
     * {@link #fractionBytes} bytes, at {@code offset} in {@code bytes}.
     */
    static byte[] time2(byte[] bytes, int offset, int fsp)
    {
        long packed;
        switch (fractionBytes(fsp)) {
            case 0:
                packed = (bigEndian(bytes, offset, 3) - TIMEF_INT_OFS) << 24;
                break;
            case 1: {
                long intPart = bigEndian(bytes, offset, 3) - TIMEF_INT_OFS;
                int fraction = bytes[offset + 3] & 0xFF;
                if (intPart < 0 && fraction != 0) {
                    // negative values store the fraction complemented, for binary sort order
                    intPart++;
                    fraction -= 0x100;
                }
                packed = (intPart << 24) + fraction * 10000L;
                break;
            }
            case 2: {
                long intPart = bigEndian(bytes, offset, 3) - TIMEF_INT_OFS;
                int fraction = (int) bigEndian(bytes, offset + 3, 2);
                if (intPart < 0 && fraction != 0) {
                    intPart++;
                    fraction -= 0x10000;
                }
                packed = (intPart << 24) + fraction * 100L;
                break;
            }
            default:
                packed = bigEndian(bytes, offset, 6) - TIMEF_OFS;
        }
        boolean negative = packed < 0;
        if (negative) {
            packed = -packed;
        }
        long hms = packed >> 24;
        int micros = (int) (packed & 0xFFFFFF);
        return time(negative, (int) ((hms >> 12) & 0x3FF), (int) ((hms >> 6) & 63), (int) (hms & 63), micros, fsp);
    }

    /**
     * Old TIME (before MySQL 5.6.4): 3 bytes little-endian, signed {@code hhmmss}.
     */
    static byte[] oldTime(int packed)
    {
        int value = (packed << 8) >> 8;
        boolean negative = value < 0;
        if (negative) {
            value = -value;
        }
        return time(negative, value / 10000, (value / 100) % 100, value % 100, 0, 0);
    }

    /**
     * DATETIME2: 5 bytes big-endian plus {@link #fractionBytes} bytes, at {@code offset}.
     */
    static byte[] datetime2(byte[] bytes, int offset, int fsp)
    {
        long intPart = bigEndian(bytes, offset, 5) - DATETIMEF_INT_OFS;
        int micros = fraction(bytes, offset + 5, fsp);
        long ymd = intPart >> 17;
        long ym = ymd >> 5;
        int hms = (int) (intPart & 0x1FFFF);
        return datetime((int) (ym / 13), (int) (ym % 13), (int) (ymd & 31), hms >> 12, (hms >> 6) & 63, hms & 63, micros, fsp);
    }

    /**
     * Old DATETIME: 8 bytes little-endian, {@code yyyymmddhhmmss} as an integer.
     */
    static byte[] oldDatetime(long packed)
    {
        long date = packed / 1000000;
        int time = (int) (packed % 1000000);
        return datetime((int) (date / 10000), (int) ((date / 100) % 100), (int) (date % 100), time / 10000, (time / 100) % 100, time % 100, 0, 0);
    }

    /**
     * TIMESTAMP2: 4 bytes big-endian seconds since the epoch plus {@link #fractionBytes} bytes,
     * printed in UTC; 0 is the zero timestamp.
     */
    static byte[] timestamp2(byte[] bytes, int offset, int fsp)
    {
        return timestamp(bigEndian(bytes, offset, 4), fraction(bytes, offset + 4, fsp), fsp);
    }

    /**
     * A TIMESTAMP from seconds since the epoch (old TIMESTAMP: 4 bytes little-endian), in UTC.
     */
    static byte[] timestamp(long epochSeconds, int micros, int fsp)
    {
        if (epochSeconds == 0 && micros == 0) {
            return datetime(0, 0, 0, 0, 0, 0, 0, fsp);
        }
        long days = Math.floorDiv(epochSeconds, 86400);
        int secondOfDay = (int) Math.floorMod(epochSeconds, 86400);
        // civil-from-days (H. Hinnant), proleptic Gregorian like MySQL's own conversion
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long dayOfEra = z - era * 146097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return datetime((int) year, month, day, secondOfDay / 3600, (secondOfDay / 60) % 60, secondOfDay % 60, micros, fsp);
    }

    static byte[] datetime(int year, int month, int day, int hour, int minute, int second, int micros, int fsp)
    {
        byte[] out = new byte[19 + (fsp > 0 ? fsp + 1 : 0)];
        writeDate(out, 0, year, month, day);
        out[10] = ' ';
        writeTwo(out, 11, hour);
        out[13] = ':';
        writeTwo(out, 14, minute);
        out[16] = ':';
        writeTwo(out, 17, second);
        writeFraction(out, 19, micros, fsp);
        return out;
    }

    static byte[] time(boolean negative, int hour, int minute, int second, int micros, int fsp)
    {
        int hourDigits = hour >= 100 ? 3 : 2;
        int sign = negative ? 1 : 0;
        byte[] out = new byte[sign + hourDigits + 6 + (fsp > 0 ? fsp + 1 : 0)];
        if (negative) {
            out[0] = '-';
        }
        int position = sign;
        if (hourDigits == 3) {
            out[position++] = (byte) ('0' + hour / 100);
        }
        writeTwo(out, position, hour % 100);
        position += 2;
        out[position++] = ':';
        writeTwo(out, position, minute);
        position += 2;
        out[position++] = ':';
        writeTwo(out, position, second);
        position += 2;
        writeFraction(out, position, micros, fsp);
        return out;
    }

    private static void writeDate(byte[] out, int offset, int year, int month, int day)
    {
        writeTwo(out, offset, (year / 100) % 100);
        writeTwo(out, offset + 2, year % 100);
        out[offset + 4] = '-';
        writeTwo(out, offset + 5, month);
        out[offset + 7] = '-';
        writeTwo(out, offset + 8, day);
    }

    private static void writeFraction(byte[] out, int offset, int micros, int fsp)
    {
        if (fsp <= 0) {
            return;
        }
        out[offset] = '.';
        // micros holds exactly fsp significant fraction digits; print the first fsp of six
        for (int i = 1; i <= fsp; i++) {
            out[offset + i] = (byte) ('0' + (micros / FRACTION_DIVISORS[i]) % 10);
        }
    }

    private static void writeTwo(byte[] out, int offset, int value)
    {
        out[offset] = (byte) ('0' + value / 10);
        out[offset + 1] = (byte) ('0' + value % 10);
    }

    private static int fraction(byte[] bytes, int offset, int fsp)
    {
        switch (fractionBytes(fsp)) {
            case 0:
                return 0;
            case 1:
                return (bytes[offset] & 0xFF) * 10000;
            case 2:
                return (int) bigEndian(bytes, offset, 2) * 100;
            default:
                return (int) bigEndian(bytes, offset, 3);
        }
    }

    static long bigEndian(byte[] bytes, int offset, int length)
    {
        long result = 0;
        for (int i = 0; i < length; i++) {
            result = (result << 8) | (bytes[offset + i] & 0xFF);
        }
        return result;
    }
}
