package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Row;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestFingerprinter
{
    private final Fingerprinter fingerprinter = new Fingerprinter();

    @Test
    void sameValuesAgreesWithFingerprintEquality()
    {
        // values drawn from a small set, so that equal, NULL, empty, valid and invalid Snappy meet
        byte[] text = "abcabcabcabcabcabc, abcabcabc".getBytes(StandardCharsets.US_ASCII);
        byte[][] pool = {
                null, new byte[0], "a".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII),
                text, TestingSnappy.literalsOnly(text), TestingSnappy.withCopies(text), {(byte) 0xff, (byte) 0xff}};
        java.util.Random random = new java.util.Random(17);
        int equal = 0;
        for (int round = 0; round < 20_000; round++) {
            int columns = 1 + random.nextInt(3);
            byte[][] left = new byte[columns + 1][];
            byte[][] right = new byte[columns + 1][];
            boolean[] snappy = new boolean[columns];
            int[] leftPositions = new int[columns];
            int[] rightPositions = new int[columns];
            for (int i = 0; i < columns; i++) {
                snappy[i] = random.nextBoolean();
                // the target's layout is shifted by one: positions differ between the sides
                leftPositions[i] = i;
                rightPositions[i] = i + 1;
                left[i] = pool[random.nextInt(pool.length)];
                right[i + 1] = random.nextInt(3) == 0 ? left[i] : pool[random.nextInt(pool.length)];
            }
            Row source = Row.wrap(left);
            Row target = Row.wrap(right);
            boolean printsEqual = java.util.Arrays.equals(
                    fingerprinter.fingerprint(source, leftPositions, snappy),
                    fingerprinter.fingerprint(target, rightPositions, snappy));
            assertEquals(printsEqual, Fingerprinter.sameValues(source, leftPositions, target, rightPositions, snappy), "round " + round);
            equal += printsEqual ? 1 : 0;
        }
        // both outcomes were exercised
        assertTrue(equal > 1000 && equal < 19_000, equal + " equal rows");
    }

    @Test
    void nullDiffersFromEmptyString()
    {
        assertDiffer(row((String) null), row(""));
        assertDiffer(row(null, "x"), row("", "x"));
    }

    @Test
    void columnBoundariesAreUnambiguous()
    {
        assertDiffer(row("ab", "c"), row("a", "bc"));
        assertDiffer(row("", "a"), row("a", ""));
        assertDiffer(row("a", null), row(null, "a"));
        // a value that looks like the encoding of two values
        assertDiffer(row("a", "b"), row("a\u0001\u0000\u0000\u0000\u0001b"));
    }

    @Test
    void negativeZeroDiffersFromZero()
    {
        assertDiffer(row("-0"), row("0"));
    }

    @Test
    void equalRowsHaveEqualFingerprints()
    {
        assertArrayEquals(print(row("a", null, "")), print(row("a", null, "")));
        assertEquals(Fingerprinter.LENGTH, print(row("x")).length);
    }

    @Test
    void fingerprintsOnlyTheGivenPositionsInTheirOrder()
    {
        Row row = row("key", "ignored", "value");
        Row other = row("key", "changed", "value");
        int[] positions = {0, 2};
        assertArrayEquals(fingerprinter.fingerprint(row, positions, null), fingerprinter.fingerprint(other, positions, null));
        assertFalse(java.util.Arrays.equals(fingerprinter.fingerprint(row, new int[] {2, 0}, null), fingerprinter.fingerprint(row, positions, null)));
    }

    @Test
    void decompressesSnappyColumnsBeforeFingerprinting()
    {
        byte[] text = "abcabcabcabcabcabc, abcabcabc".getBytes(StandardCharsets.US_ASCII);
        Row literal = Row.wrap(new byte[][] {TestingSnappy.literalsOnly(text)});
        Row copies = Row.wrap(new byte[][] {TestingSnappy.withCopies(text)});
        int[] positions = {0};
        boolean[] snappy = {true};
        assertArrayEquals(fingerprinter.fingerprint(literal, positions, snappy), fingerprinter.fingerprint(copies, positions, snappy));
        assertFalse(java.util.Arrays.equals(fingerprinter.fingerprint(literal, positions, null), fingerprinter.fingerprint(copies, positions, null)));
        // decompressed, not raw: equal to the plain text's fingerprint would be wrong only if tags differed
        assertArrayEquals(fingerprinter.fingerprint(Row.wrap(new byte[][] {text}), positions, null), fingerprinter.fingerprint(literal, positions, snappy));
    }

    @Test
    void invalidSnappyValuesCompareAsRawBytes()
    {
        Row invalid = Row.wrap(new byte[][] {{(byte) 0xff, (byte) 0xff}});
        Row same = Row.wrap(new byte[][] {{(byte) 0xff, (byte) 0xff}});
        Row other = Row.wrap(new byte[][] {{(byte) 0xff, (byte) 0xfe}});
        int[] positions = {0};
        boolean[] snappy = {true};
        assertArrayEquals(fingerprinter.fingerprint(invalid, positions, snappy), fingerprinter.fingerprint(same, positions, snappy));
        assertFalse(java.util.Arrays.equals(fingerprinter.fingerprint(invalid, positions, snappy), fingerprinter.fingerprint(other, positions, snappy)));
        // and never equal to a valid value holding the same bytes decompressed
        assertFalse(java.util.Arrays.equals(fingerprinter.fingerprint(invalid, positions, snappy), fingerprinter.fingerprint(invalid, positions, null)));
    }

    private void assertDiffer(Row a, Row b)
    {
        assertFalse(java.util.Arrays.equals(print(a), print(b)), "fingerprints must differ");
    }

    private byte[] print(Row row)
    {
        int[] positions = new int[row.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        return fingerprinter.fingerprint(row, positions, null);
    }

    private static Row row(String... values)
    {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return Row.wrap(bytes);
    }
}
