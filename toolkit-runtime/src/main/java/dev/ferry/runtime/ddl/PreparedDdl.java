package dev.ferry.runtime.ddl;

import dev.ferry.runtime.ddl.SqlToken.Type;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A statement as handed to JSQLParser, and what each placeholder word in it stands for.
 *
 * @param prefix starts every placeholder word; appears nowhere in the original statement
 */
record PreparedDdl(String sql, Map<String, Placeholder> placeholders, String prefix)
{
    PreparedDdl
    {
        requireNonNull(sql, "sql is null");
        placeholders = Map.copyOf(placeholders);
        requireNonNull(prefix, "prefix is null");
    }

    /**
     * A word that appears nowhere in the statement and is no placeholder.
     */
    String freshWord(int index)
    {
        return prefix + "new_" + index;
    }

    String restore(String printed)
    {
        return restore(printed, Map.of());
    }

    /**
     * Puts back the original text of every placeholder in {@code printed}, and {@code names}
     * for the words given there.
     *
     * @throws IllegalStateException if JSQLParser separated a clause placeholder from its DROP
     */
    String restore(String printed, Map<String, String> names)
    {
        if (placeholders.isEmpty() && names.isEmpty()) {
            return printed;
        }
        StringBuilder result = new StringBuilder(printed.length());
        int copied = 0;
        SqlToken previous = null;
        for (SqlToken token : SqlTokenizer.tokenize(printed)) {
            Placeholder placeholder = token.type() == Type.WORD ? placeholders.get(token.text()) : null;
            String name = token.type() == Type.WORD ? names.get(token.text()) : null;
            if (name != null) {
                result.append(printed, copied, token.start()).append(name);
                copied = token.end();
            }
            else if (placeholder != null && placeholder.clause()) {
                if (previous == null || !previous.isWord("DROP") || previous.start() < copied) {
                    throw new IllegalStateException("JSQLParser moved clause placeholder " + token.text() + ": " + printed);
                }
                result.append(printed, copied, previous.start()).append(placeholder.original());
                copied = token.end();
            }
            else if (placeholder != null && placeholder.original().isEmpty()) {
                result.append(printed, copied, previous == null ? token.start() : Math.max(copied, previous.end()));
                copied = token.end();
            }
            else if (placeholder != null) {
                result.append(printed, copied, token.start()).append(placeholder.original());
                copied = token.end();
            }
            previous = token;
        }
        return result.append(printed, copied, printed.length()).toString();
    }

    /**
     * What a placeholder word stands for: a name, nothing (an omitted name), or a whole clause,
     * in which case the word follows a DROP that belongs to it.
     */
    record Placeholder(String original, boolean clause)
    {
        Placeholder
        {
            requireNonNull(original, "original is null");
        }
    }
}
