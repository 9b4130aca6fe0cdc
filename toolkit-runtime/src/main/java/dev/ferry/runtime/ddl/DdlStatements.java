package dev.ferry.runtime.ddl;

import static java.util.Objects.requireNonNull;

/**
 * Cheap tests on statement text, for the binlog reader's hot path.
 */
public final class DdlStatements
{
    private static final String[] SCHEMA_VERBS = {"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "GRANT", "REVOKE"};

    private DdlStatements() {}

    /**
     * Whether a QUERY event's statement is one {@link DdlParser} must see: it starts with CREATE,
     * ALTER, DROP, RENAME, TRUNCATE, GRANT or REVOKE once leading comments are skipped (the
     * content of a versioned comment {@code /*!50001 ...}{@code *}{@code /} counts). Transaction
     * control, DML, SET, FLUSH, ANALYZE, OPTIMIZE and anything else answer false. Does not allocate.
     */
    public static boolean isSchemaStatement(String sql)
    {
        requireNonNull(sql, "sql is null");
        int start = firstWord(sql);
        if (start < 0) {
            return false;
        }
        for (String verb : SCHEMA_VERBS) {
            int end = start + verb.length();
            if (sql.regionMatches(true, start, verb, 0, verb.length())
                    && (end == sql.length() || !SqlTokenizer.isWordChar(sql.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static int firstWord(String sql)
    {
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            }
            else if (c == '#' || isDashComment(sql, i)) {
                i = sql.indexOf('\n', i);
                if (i < 0) {
                    return -1;
                }
            }
            else if (sql.startsWith("/*!", i) || sql.startsWith("/*M!", i)) {
                // versioned comments run on the server: their content is the statement
                i = sql.indexOf('!', i) + 1;
                while (i < length && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') {
                    i++;
                }
            }
            else if (sql.startsWith("/*", i)) {
                i = sql.indexOf("*/", i + 2);
                if (i < 0) {
                    return -1;
                }
                i += 2;
            }
            else {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDashComment(String sql, int at)
    {
        return sql.startsWith("--", at) && (at + 2 == sql.length() || sql.charAt(at + 2) == ' ' || Character.isISOControl(sql.charAt(at + 2)));
    }
}
