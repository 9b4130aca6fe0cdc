package dev.ferry.runtime.ddl;

import dev.ferry.runtime.ddl.SqlToken.Type;

import java.util.List;

/**
 * Compares a statement with JSQLParser's printing of it, token by token. JSQLParser changes
 * spacing and keyword case, and in places drops, reorders or invents clauses; only the former
 * are harmless.
 */
final class PrintCheck
{
    private PrintCheck() {}

    /**
     * Where {@code printed} first differs from {@code expected}, described for a message; null if
     * they hold the same tokens (words compared ignoring case).
     */
    static String firstDifference(String expected, String printed)
    {
        List<SqlToken> want = SqlTokenizer.tokenize(expected);
        List<SqlToken> got = SqlTokenizer.tokenize(printed);
        int common = Math.min(want.size(), got.size());
        for (int i = 0; i < common; i++) {
            if (!same(want.get(i), got.get(i))) {
                return "JSQLParser prints it back differently, near \"" + around(printed, got.get(i)) + "\" (expected \"" + around(expected, want.get(i)) + "\")";
            }
        }
        if (want.size() > got.size()) {
            return "JSQLParser drops \"" + expected.substring(want.get(common).start()) + "\" when printing it back";
        }
        if (got.size() > want.size()) {
            return "JSQLParser adds \"" + printed.substring(got.get(common).start()) + "\" when printing it back";
        }
        return null;
    }

    private static boolean same(SqlToken a, SqlToken b)
    {
        if (a.type() != b.type()) {
            return false;
        }
        return a.type() == Type.WORD ? a.text().equalsIgnoreCase(b.text()) : a.text().equals(b.text());
    }

    private static String around(String sql, SqlToken token)
    {
        int from = Math.max(0, token.start() - 20);
        int to = Math.min(sql.length(), token.end() + 20);
        return sql.substring(from, to);
    }
}
