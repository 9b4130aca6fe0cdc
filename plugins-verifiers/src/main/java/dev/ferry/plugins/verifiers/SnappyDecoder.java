package dev.ferry.plugins.verifiers;

/**
 * Decodes Snappy's raw block format (no framing), as written by snappy-java's
 * {@code Snappy.compress} and Go's {@code snappy.Encode}: a varint of the uncompressed length,
 * then literals and back-references. Pure Java, so the plugin needs no native library.
 *
 * @see <a href="https://github.com/google/snappy/blob/main/format_description.txt">format_description.txt</a>
 */
final class SnappyDecoder
{
    private SnappyDecoder() {}

    /**
     * The uncompressed bytes.
     *
     * @throws IllegalArgumentException when {@code input} is not a valid Snappy block
     */
    static byte[] decompress(byte[] input)
    {
        int in = 0;
        long declared = 0;
        for (int shift = 0; ; shift += 7) {
            if (in >= input.length || shift > 28) {
                throw new IllegalArgumentException("snappy: bad uncompressed length");
            }
            int b = input[in++] & 0xff;
            declared |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                break;
            }
        }
        // a 3-byte copy element yields at most 64 bytes, so no valid block expands more than ~22x
        if (declared > 22L * input.length + 64 || declared > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("snappy: uncompressed length " + declared + " is impossible for " + input.length + " input bytes");
        }
        byte[] output = new byte[(int) declared];
        int out = 0;
        while (in < input.length) {
            int tag = input[in++] & 0xff;
            int length;
            int offset;
            switch (tag & 3) {
                case 0: {
                    length = tag >>> 2;
                    if (length >= 60) {
                        int bytes = length - 59;
                        if (in + bytes > input.length) {
                            throw new IllegalArgumentException("snappy: truncated literal length");
                        }
                        long value = 0;
                        for (int i = 0; i < bytes; i++) {
                            value |= (long) (input[in++] & 0xff) << (8 * i);
                        }
                        if (value >= Integer.MAX_VALUE) {
                            throw new IllegalArgumentException("snappy: literal too long");
                        }
                        length = (int) value;
                    }
                    length++;
                    if (length > input.length - in || length > output.length - out) {
                        throw new IllegalArgumentException("snappy: literal runs past the end");
                    }
                    System.arraycopy(input, in, output, out, length);
                    in += length;
                    out += length;
                    continue;
                }
                case 1:
                    if (in >= input.length) {
                        throw new IllegalArgumentException("snappy: truncated copy");
                    }
                    length = 4 + ((tag >>> 2) & 7);
                    offset = ((tag >>> 5) << 8) | (input[in++] & 0xff);
                    break;
                case 2:
                    if (in + 2 > input.length) {
                        throw new IllegalArgumentException("snappy: truncated copy");
                    }
                    length = 1 + (tag >>> 2);
                    offset = (input[in] & 0xff) | (input[in + 1] & 0xff) << 8;
                    in += 2;
                    break;
                default:
                    if (in + 4 > input.length) {
                        throw new IllegalArgumentException("snappy: truncated copy");
                    }
                    length = 1 + (tag >>> 2);
                    offset = (input[in] & 0xff) | (input[in + 1] & 0xff) << 8 | (input[in + 2] & 0xff) << 16 | (input[in + 3] & 0xff) << 24;
                    in += 4;
                    break;
            }
            if (offset <= 0 || offset > out) {
                throw new IllegalArgumentException("snappy: copy offset " + Integer.toUnsignedString(offset) + " outside the " + out + " bytes written");
            }
            if (length > output.length - out) {
                throw new IllegalArgumentException("snappy: copy runs past the end");
            }
            // byte by byte: a copy may overlap its own output (offset < length repeats a pattern)
            int from = out - offset;
            for (int i = 0; i < length; i++) {
                output[out++] = output[from + i];
            }
        }
        if (out != output.length) {
            throw new IllegalArgumentException("snappy: " + out + " bytes decoded, " + output.length + " declared");
        }
        return output;
    }
}
