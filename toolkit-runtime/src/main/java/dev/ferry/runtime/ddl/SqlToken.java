package dev.ferry.runtime.ddl;

import static java.util.Objects.requireNonNull;

/**
 * One lexical token of a MySQL statement; {@code start} and {@code end} index the statement text.
 */
record SqlToken(Type type, String text, int start, int end)
{
    enum Type
    {
        /** Keyword, unquoted identifier or number. */
        WORD,
        /** Backquoted identifier, quotes included. */
        QUOTED_IDENTIFIER,
        /** Single- or double-quoted string literal, quotes included. */
        STRING,
        SYMBOL,
        COMMENT,
        /** {@code /*!50100} or {@code /*M!100100}: the text up to the matching end is executed. */
        CONDITIONAL_START,
        CONDITIONAL_END,
    }

    SqlToken
    {
        requireNonNull(type, "type is null");
        requireNonNull(text, "text is null");
    }

    boolean isWord(String word)
    {
        return type == Type.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(String symbol)
    {
        return type == Type.SYMBOL && text.equals(symbol);
    }

    boolean isIdentifier()
    {
        return type == Type.WORD || type == Type.QUOTED_IDENTIFIER;
    }

    /**
     * The identifier this token names: backquotes removed and doubled backquotes undone.
     */
    String identifier()
    {
        if (type == Type.QUOTED_IDENTIFIER) {
            return text.substring(1, text.length() - 1).replace("``", "`");
        }
        return text;
    }
}
