package dev.ferry.runtime.binlog;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TemporalTextTest
{
    private static final long TIMEF_OFS = 0x800000000000L;
    private static final long TIMEF_INT_OFS = 0x800000L;
    private static final long DATETIMEF_INT_OFS = 0x8000000000L;

    @Test
    void dates()
    {
        assertEquals("0000-00-00", text(TemporalText.date(0)));
        assertEquals("1000-01-01", text(TemporalText.date(packDate(1000, 1, 1))));
        assertEquals("0001-01-01", text(TemporalText.date(packDate(1, 1, 1))));
        assertEquals("1582-10-10", text(TemporalText.date(packDate(1582, 10, 10))));
        assertEquals("9999-12-31", text(TemporalText.date(packDate(9999, 12, 31))));
        assertEquals("2024-00-15", text(TemporalText.date(packDate(2024, 0, 15))));
    }

    @Test
    void fractionalTimesRoundTripMySqlsEncoding()
    {
        assertTime2("-838:59:59", true, 838, 59, 59, 0, 0);
        assertTime2("838:59:59", false, 838, 59, 59, 0, 0);
        assertTime2("-838:59:59.000000", true, 838, 59, 59, 0, 6);
        assertTime2("-838:59:58.999999", true, 838, 59, 58, 999999, 6);
        assertTime2("00:00:00.000", false, 0, 0, 0, 0, 3);
        assertTime2("-00:00:01.5", true, 0, 0, 1, 500000, 1);
        assertTime2("-00:00:00.01", true, 0, 0, 0, 10000, 2);
        assertTime2("-00:00:00.99", true, 0, 0, 0, 990000, 2);
        assertTime2("-00:00:01.00", true, 0, 0, 1, 0, 2);
        assertTime2("-00:00:01.10", true, 0, 0, 1, 100000, 2);
        assertTime2("-12:34:56.7891", true, 12, 34, 56, 789100, 4);
        assertTime2("-00:00:00.0001", true, 0, 0, 0, 100, 4);
        assertTime2("12:34:56.789", false, 12, 34, 56, 789000, 3);
        assertTime2("-00:00:00.00001", true, 0, 0, 0, 10, 5);
        assertTime2("100:00:00.000001", false, 100, 0, 0, 1, 6);
    }

    @Test
    void oldTimes()
    {
        assertEquals("-838:59:59", text(TemporalText.oldTime(-8385959 & 0xFFFFFF)));
        assertEquals("12:34:56", text(TemporalText.oldTime(123456)));
        assertEquals("00:00:00", text(TemporalText.oldTime(0)));
    }

    @Test
    void datetimes()
    {
        assertDatetime2("0000-00-00 00:00:00", 0, 0, 0, 0, 0, 0, 0, 0);
        assertDatetime2("0000-00-00 00:00:00.000000", 0, 0, 0, 0, 0, 0, 0, 6);
        assertDatetime2("1000-01-01 00:00:00.000000", 1000, 1, 1, 0, 0, 0, 0, 6);
        assertDatetime2("9999-12-31 23:59:59.999999", 9999, 12, 31, 23, 59, 59, 999999, 6);
        assertDatetime2("2024-02-29 12:00:00.5", 2024, 2, 29, 12, 0, 0, 500000, 1);
        assertDatetime2("2024-02-29 12:00:00.12", 2024, 2, 29, 12, 0, 0, 120000, 2);
        assertDatetime2("2024-02-29 12:00:00.123", 2024, 2, 29, 12, 0, 0, 123000, 3);
        assertDatetime2("2024-02-29 12:00:00.1234", 2024, 2, 29, 12, 0, 0, 123400, 4);
        assertDatetime2("2024-02-29 12:00:00.12345", 2024, 2, 29, 12, 0, 0, 123450, 5);
        assertDatetime2("1582-10-05 01:02:03", 1582, 10, 5, 1, 2, 3, 0, 0);
        assertEquals("2001-02-03 04:05:06", text(TemporalText.oldDatetime(20010203040506L)));
        assertEquals("0000-00-00 00:00:00", text(TemporalText.oldDatetime(0)));
    }

    @Test
    void timestampsInUtc()
    {
        assertEquals("0000-00-00 00:00:00", text(TemporalText.timestamp(0, 0, 0)));
        assertEquals("0000-00-00 00:00:00.000000", text(TemporalText.timestamp(0, 0, 6)));
        assertEquals("1970-01-01 00:00:01", text(TemporalText.timestamp(1, 0, 0)));
        assertEquals("2038-01-19 03:14:07.999999", text(TemporalText.timestamp(2147483647L, 999999, 6)));
        assertEquals("2000-02-29 23:59:59.5", text(TemporalText.timestamp(951868799L, 500000, 1)));
        assertEquals("2106-02-07 06:28:15", text(TemporalText.timestamp(4294967295L, 0, 0)));
        byte[] binary = {(byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0x42, 0x3F};
        assertEquals("2038-01-19 03:14:07.999999", text(TemporalText.timestamp2(binary, 0, 6)));
        byte[] withTwoBytes = {0, 0, 0, 1, 0x04, (byte) 0xD2};
        assertEquals("1970-01-01 00:00:01.1234", text(TemporalText.timestamp2(withTwoBytes, 0, 4)));
    }

    private static void assertTime2(String expected, boolean negative, int hour, int minute, int second, int micros, int fsp)
    {
        long packed = ((long) ((hour << 12) | (minute << 6) | second) << 24) + micros;
        if (negative) {
            packed = -packed;
        }
        byte[] binary = timeToBinary(packed, fsp);
        assertEquals(expected, text(TemporalText.time2(binary, 0, fsp)));
    }

    /**
     * MySQL's my_time_packed_to_binary.
     */
    private static byte[] timeToBinary(long packed, int fsp)
    {
        byte[] out = new byte[3 + TemporalText.fractionBytes(fsp)];
        switch (fsp) {
            case 0:
                put(out, 0, (packed >> 24) + TIMEF_INT_OFS, 3);
                break;
            case 1:
            case 2:
                put(out, 0, (packed >> 24) + TIMEF_INT_OFS, 3);
                out[3] = (byte) ((packed % (1L << 24)) / 10000);
                break;
            case 3:
            case 4:
                put(out, 0, (packed >> 24) + TIMEF_INT_OFS, 3);
                put(out, 3, (packed % (1L << 24)) / 100, 2);
                break;
            default:
                put(out, 0, packed + TIMEF_OFS, 6);
        }
        return out;
    }

    private static void assertDatetime2(String expected, int year, int month, int day, int hour, int minute, int second, int micros, int fsp)
    {
        long ymd = (((long) year * 13 + month) << 5) | day;
        long hms = ((long) hour << 12) | (minute << 6) | second;
        long intPart = (ymd << 17) | hms;
        byte[] binary = new byte[5 + TemporalText.fractionBytes(fsp)];
        put(binary, 0, intPart + DATETIMEF_INT_OFS, 5);
        switch (TemporalText.fractionBytes(fsp)) {
            case 1:
                binary[5] = (byte) (micros / 10000);
                break;
            case 2:
                put(binary, 5, micros / 100, 2);
                break;
            case 3:
                put(binary, 5, micros, 3);
                break;
            default:
        }
        assertEquals(expected, text(TemporalText.datetime2(binary, 0, fsp)));
    }

    private static void put(byte[] out, int offset, long value, int length)
    {
        for (int i = length - 1; i >= 0; i--) {
            out[offset + i] = (byte) value;
            value >>= 8;
        }
    }

    static int packDate(int year, int month, int day)
    {
        return year << 9 | month << 5 | day;
    }

    private static String text(byte[] bytes)
    {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
