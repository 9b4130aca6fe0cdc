package dev.ferry.plugins.filters;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A shell-style name pattern: {@code *} matches any run of characters, {@code ?} one character;
 * everything else matches itself. Matching is case-sensitive, as MySQL table names are on Linux.
 */
final class Glob
{
    private final String pattern;
    private final Pattern regex;

    Glob(String pattern)
    {
        this.pattern = requireNonNull(pattern, "pattern is null");
        StringBuilder builder = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    builder.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                builder.append(c == '*' ? ".*" : ".");
            }
            else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            builder.append(Pattern.quote(literal.toString()));
        }
        this.regex = Pattern.compile(builder.toString(), Pattern.DOTALL);
    }

    boolean matches(String name)
    {
        return regex.matcher(name).matches();
    }

    @Override
    public String toString()
    {
        return pattern;
    }
}
