package dev.ferry.runtime.ddl;

import dev.ferry.runtime.ddl.SqlToken.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a statement into MySQL tokens. Whitespace is dropped (offsets keep it recoverable);
 * comments are kept as tokens. String literals follow the default SQL mode: backslash escapes on,
 * double quotes delimit strings (not identifiers).
 */
final class SqlTokenizer
{
    private static final String[] OPERATORS = {"<=>", "->>", "<=", ">=", "<>", "!=", "->", "||", "&&", "<<", ">>", ":="};

    private SqlTokenizer() {}

    /**
     * @throws IllegalArgumentException if a string, identifier or comment is not terminated
     */
    static List<SqlToken> tokenize(String sql)
    {
        List<SqlToken> tokens = new ArrayList<>();
        boolean inConditional = false;
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '#' || (c == '-' && sql.startsWith("--", i) && (i + 2 == length || isCommentSpace(sql.charAt(i + 2))))) {
                i = endOfLine(sql, i);
                tokens.add(new SqlToken(Type.COMMENT, sql.substring(start, i), start, i));
            }
            else if (inConditional && sql.startsWith("*/", i)) {
                i += 2;
                inConditional = false;
                tokens.add(new SqlToken(Type.CONDITIONAL_END, "*/", start, i));
            }
            else if (sql.startsWith("/*!", i) || sql.startsWith("/*M!", i)) {
                i = sql.indexOf('!', i) + 1;
                while (i < length && isDigit(sql.charAt(i))) {
                    i++;
                }
                inConditional = true;
                tokens.add(new SqlToken(Type.CONDITIONAL_START, sql.substring(start, i), start, i));
            }
            else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("comment starting at offset " + start + " is not closed");
                }
                i = close + 2;
                tokens.add(new SqlToken(Type.COMMENT, sql.substring(start, i), start, i));
            }
            else if (c == '`') {
                i = endOfQuoted(sql, i, '`', false, "identifier");
                tokens.add(new SqlToken(Type.QUOTED_IDENTIFIER, sql.substring(start, i), start, i));
            }
            else if (c == '\'' || c == '"') {
                i = endOfQuoted(sql, i, c, true, "string");
                tokens.add(new SqlToken(Type.STRING, sql.substring(start, i), start, i));
            }
            else if (isWordChar(c)) {
                while (i < length && isWordChar(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new SqlToken(Type.WORD, sql.substring(start, i), start, i));
            }
            else {
                i += operatorLength(sql, i);
                tokens.add(new SqlToken(Type.SYMBOL, sql.substring(start, i), start, i));
            }
        }
        if (inConditional) {
            throw new IllegalArgumentException("versioned comment is not closed");
        }
        return tokens;
    }

    static boolean isWordChar(char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    private static boolean isDigit(char c)
    {
        return c >= '0' && c <= '9';
    }

    private static boolean isCommentSpace(char c)
    {
        return c == ' ' || Character.isISOControl(c);
    }

    private static int endOfLine(String sql, int from)
    {
        int i = from;
        while (i < sql.length() && sql.charAt(i) != '\n') {
            i++;
        }
        return i;
    }

    private static int endOfQuoted(String sql, int open, char quote, boolean backslashEscapes, String what)
    {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            }
            else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                }
                else {
                    return i + 1;
                }
            }
            else {
                i++;
            }
        }
        throw new IllegalArgumentException(what + " starting at offset " + open + " is not closed");
    }

    private static int operatorLength(String sql, int at)
    {
        for (String operator : OPERATORS) {
            if (sql.startsWith(operator, at)) {
                return operator.length();
            }
        }
        return 1;
    }
}
