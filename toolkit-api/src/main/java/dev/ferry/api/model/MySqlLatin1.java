package dev.ferry.api.model;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * MySQL's {@code latin1}: Windows-1252, except that the five bytes Windows-1252 leaves undefined
 * (0x81, 0x8D, 0x8F, 0x90, 0x9D) are the C1 controls of the same value. Java's windows-1252
 * decodes those to U+FFFD, which the server then refuses to compare with a latin1 column.
 */
final class MySqlLatin1
        extends Charset
{
    static final MySqlLatin1 INSTANCE = new MySqlLatin1();

    private static final char[] TO_CHAR = new char[256];
    private static final Map<Character, Byte> TO_BYTE = new HashMap<>();

    static {
        CharsetDecoder windows1252 = Charset.forName("windows-1252").newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        for (int i = 0; i < 256; i++) {
            char c;
            try {
                c = windows1252.decode(ByteBuffer.wrap(new byte[] {(byte) i})).charAt(0);
            }
            catch (CharacterCodingException e) {
                throw new IllegalStateException(e);
            }
            TO_CHAR[i] = c == '\uFFFD' ? (char) i : c;
            TO_BYTE.put(TO_CHAR[i], (byte) i);
        }
    }

    private MySqlLatin1()
    {
        super("x-mysql-latin1", new String[0]);
    }

    @Override
    public boolean contains(Charset charset)
    {
        return charset instanceof MySqlLatin1 || charset.equals(StandardCharsets.US_ASCII);
    }

    @Override
    public CharsetDecoder newDecoder()
    {
        return new CharsetDecoder(this, 1, 1)
        {
            @Override
            protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out)
            {
                while (in.hasRemaining()) {
                    if (!out.hasRemaining()) {
                        return CoderResult.OVERFLOW;
                    }
                    out.put(TO_CHAR[in.get() & 0xff]);
                }
                return CoderResult.UNDERFLOW;
            }
        };
    }

    @Override
    public CharsetEncoder newEncoder()
    {
        return new CharsetEncoder(this, 1, 1, new byte[] {'?'})
        {
            @Override
            protected CoderResult encodeLoop(CharBuffer in, ByteBuffer out)
            {
                while (in.hasRemaining()) {
                    Byte b = TO_BYTE.get(in.get(in.position()));
                    if (b == null) {
                        return CoderResult.unmappableForLength(1);
                    }
                    if (!out.hasRemaining()) {
                        return CoderResult.OVERFLOW;
                    }
                    in.get();
                    out.put(b);
                }
                return CoderResult.UNDERFLOW;
            }
        };
    }
}
