package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Row;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A row's fingerprint: the MD5 of its compared values in column order, each value written as
 * <ul>
 * <li>{@code 0x00} for SQL NULL,</li>
 * <li>{@code 0x01}, its length as 4 bytes big-endian, then its bytes (after Snappy decompression
 * for a compressed column),</li>
 * <li>{@code 0x02}, length, bytes for a compressed column whose value is not valid Snappy (so two
 * equal invalid values still match).</li>
 * </ul>
 * The tag and length make NULL differ from the empty string and column boundaries unambiguous
 * ({@code "ab","c"} differs from {@code "a","bc"}). Values are the raw text-protocol bytes, so
 * {@code -0} differs from {@code 0} and every charset detail counts.
 *
 * <p>Not thread-safe: one per worker thread.
 */
public final class Fingerprinter
{
    public static final int LENGTH = 16;

    private static final byte NULL = 0;
    private static final byte VALUE = 1;
    private static final byte RAW_COMPRESSED = 2;

    private final MessageDigest digest;
    private final byte[] header = new byte[5];

    public Fingerprinter()
    {
        try {
            digest = MessageDigest.getInstance("MD5");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /**
     * Writes the fingerprint of {@code row}'s values at {@code positions} into {@code out[offset..offset+16)}.
     *
     * @param snappy per position, whether that value is Snappy-compressed; null when none is
     */
    public void fingerprint(Row row, int[] positions, boolean[] snappy, byte[] out, int offset)
    {
        for (int i = 0; i < positions.length; i++) {
            byte[] value = row.get(positions[i]);
            if (value == null) {
                digest.update(NULL);
                continue;
            }
            byte tag = VALUE;
            if (snappy != null && snappy[i]) {
                byte[] decoded = decompressOrNull(value);
                if (decoded == null) {
                    tag = RAW_COMPRESSED;
                }
                else {
                    value = decoded;
                }
            }
            int length = value.length;
            header[0] = tag;
            header[1] = (byte) (length >>> 24);
            header[2] = (byte) (length >>> 16);
            header[3] = (byte) (length >>> 8);
            header[4] = (byte) length;
            digest.update(header, 0, 5);
            digest.update(value, 0, length);
        }
        try {
            digest.digest(out, offset, LENGTH);
        }
        catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] fingerprint(Row row, int[] positions, boolean[] snappy)
    {
        byte[] out = new byte[LENGTH];
        fingerprint(row, positions, snappy, out, 0);
        return out;
    }

    /**
     * Whether {@code source}'s values at {@code sourcePositions} equal {@code target}'s at
     * {@code targetPositions} as their fingerprints would say, without hashing: the same NULLs,
     * the same bytes (compressed values compared decompressed, or raw when not valid Snappy). Two
     * rows read side by side are compared this way; fingerprints are for rows that are not.
     */
    public static boolean sameValues(Row source, int[] sourcePositions, Row target, int[] targetPositions, boolean[] snappy)
    {
        for (int i = 0; i < sourcePositions.length; i++) {
            byte[] left = source.get(sourcePositions[i]);
            byte[] right = target.get(targetPositions[i]);
            if (left == null || right == null) {
                if (left != right) {
                    return false;
                }
                continue;
            }
            if (snappy != null && snappy[i]) {
                if (Arrays.equals(left, right)) {
                    continue;
                }
                byte[] leftDecoded = decompressOrNull(left);
                byte[] rightDecoded = decompressOrNull(right);
                if (leftDecoded == null || rightDecoded == null || !Arrays.equals(leftDecoded, rightDecoded)) {
                    return false;
                }
                continue;
            }
            if (!Arrays.equals(left, right)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] decompressOrNull(byte[] value)
    {
        try {
            return SnappyDecoder.decompress(value);
        }
        catch (IllegalArgumentException e) {
            return null;
        }
    }
}
