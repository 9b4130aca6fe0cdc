package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed keys as JSON: a key is an array with one string per part, prefixed by its kind so that it
 * reads back to the same {@link KeyValue}: {@code i:} signed integer, {@code u:} unsigned
 * integer (up to {@code 18446744073709551615}), {@code t:} text, {@code b:} bytes in hex.
 * For example {@code ["u:18446744073709551615","t:O'Brien"]}.
 */
final class KeyText
{
    private KeyText() {}

    /**
     * The key as a JSON array ({@link StateJson}): one string per part.
     */
    static List<String> write(Key key)
    {
        List<String> parts = new ArrayList<>(key.size());
        for (int i = 0; i < key.size(); i++) {
            parts.add(encode(key.get(i)));
        }
        return parts;
    }

    /**
     * @throws IllegalArgumentException when {@code json} (a parsed array) is not a key
     */
    static Key read(Object json)
    {
        if (!(json instanceof List<?> parts) || parts.isEmpty()) {
            throw new IllegalArgumentException("a key is a non-empty array of strings, got " + json);
        }
        List<KeyValue> values = new ArrayList<>(parts.size());
        for (Object part : parts) {
            if (!(part instanceof String text)) {
                throw new IllegalArgumentException("a key part is a string, got " + part);
            }
            values.add(decode(text));
        }
        return new Key(values);
    }

    static String encode(KeyValue value)
    {
        if (value instanceof KeyValue.SignedInt) {
            return "i:" + value.text();
        }
        if (value instanceof KeyValue.UnsignedInt) {
            return "u:" + value.text();
        }
        if (value instanceof KeyValue.Bytes) {
            return "b:" + value.text();
        }
        return "t:" + value.text();
    }

    static KeyValue decode(String text)
    {
        if (text.length() < 2 || text.charAt(1) != ':') {
            throw new IllegalArgumentException("a key part starts with i:, u:, t: or b:, got \"" + text + "\"");
        }
        String body = text.substring(2);
        try {
            switch (text.charAt(0)) {
                case 'i':
                    return new KeyValue.SignedInt(Long.parseLong(body));
                case 'u':
                    return new KeyValue.UnsignedInt(Long.parseUnsignedLong(body));
                case 't':
                    return new KeyValue.Text(body);
                case 'b':
                    return KeyValue.Bytes.fromHex(body);
                default:
                    throw new IllegalArgumentException("a key part starts with i:, u:, t: or b:, got \"" + text + "\"");
            }
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad key part \"" + text + "\": " + e.getMessage(), e);
        }
    }
}
