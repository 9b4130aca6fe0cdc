package dev.ferry.testing;

import java.util.Locale;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * Database names for tests: {@code <class>_<method>_<suffix>}, lower case, {@code [a-z0-9_]} only,
 * at most 64 characters (MySQL's identifier limit), with a random suffix so that repeated and
 * parameterized invocations, and concurrent runs against shared servers, never collide.
 */
final class TestDatabaseNames
{
    static final int MAX_LENGTH = 64;
    static final int SUFFIX_LENGTH = 6;

    private static final char[] SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private TestDatabaseNames() {}

    /**
     * @param className the test class, simple or fully qualified (only the simple name is used)
     * @param methodName the test method, or null for a database shared by the whole class
     */
    static String generate(String className, String methodName, RandomGenerator random)
    {
        requireNonNull(className, "className is null");
        requireNonNull(random, "random is null");
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        simpleName = simpleName.substring(simpleName.lastIndexOf('$') + 1);
        String base = sanitize(simpleName);
        if (methodName != null) {
            base = base + "_" + sanitize(methodName);
        }
        base = collapse(base);
        if (base.isEmpty()) {
            base = "test";
        }
        int room = MAX_LENGTH - SUFFIX_LENGTH - 1;
        if (base.length() > room) {
            base = trimUnderscores(base.substring(0, room));
        }
        StringBuilder name = new StringBuilder(MAX_LENGTH).append(base).append('_');
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            name.append(SUFFIX_ALPHABET[random.nextInt(SUFFIX_ALPHABET.length)]);
        }
        return name.toString();
    }

    private static String sanitize(String text)
    {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder result = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            result.append(allowed ? c : '_');
        }
        return result.toString();
    }

    private static String collapse(String text)
    {
        StringBuilder result = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '_' || (result.length() > 0 && result.charAt(result.length() - 1) != '_')) {
                result.append(c);
            }
        }
        return trimUnderscores(result.toString());
    }

    private static String trimUnderscores(String text)
    {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '_') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '_') {
            end--;
        }
        return text.substring(start, end);
    }
}
