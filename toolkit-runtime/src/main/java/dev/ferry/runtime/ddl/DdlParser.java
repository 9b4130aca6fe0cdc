package dev.ferry.runtime.ddl;

import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Classifies the DDL statements of a binlog and prepares them for renaming. Statements outside
 * ferry's scope (grants, users, routines, triggers, views, events, temporary tables) are
 * recognised from their first keywords and never reach a parser.
 */
public final class DdlParser
{
    private DdlParser() {}

    /**
     * Classifies one statement of a binlog QUERY event. Thread-safe.
     *
     * @param defaultDatabase the event's session database; null if none was selected
     * @throws UnparseableDdlException if the statement is in scope but cannot be read
     */
    public static ParsedDdl parse(String sql, String defaultDatabase)
    {
        requireNonNull(sql, "sql is null");
        try {
            List<SqlToken> tokens = SqlTokenizer.tokenize(sql);
            return classify(sql, defaultDatabase, tokens, new TokenCursor(tokens));
        }
        catch (IllegalArgumentException e) {
            throw new UnparseableDdlException(sql, e.getMessage(), e);
        }
    }

    private static ParsedDdl classify(String sql, String database, List<SqlToken> tokens, TokenCursor cursor)
    {
        SqlToken verb = cursor.next();
        if (verb == null || !verb.isIdentifier()) {
            return ParsedDdl.ignored(sql, database, "other");
        }
        return switch (verb.text().toUpperCase(Locale.ROOT)) {
            case "CREATE" -> create(sql, database, tokens, cursor);
            case "ALTER" -> alter(sql, database, tokens, cursor);
            case "DROP" -> drop(sql, database, cursor);
            case "RENAME" -> cursor.peekWord("TABLE") || cursor.peekWord("TABLES") ? TreeDdl.parse(sql, database, tokens) : ignored(sql, database, cursor.peekWord("USER") ? "user" : "other");
            case "TRUNCATE" -> TreeDdl.parse(sql, database, tokens);
            case "GRANT" -> ignored(sql, database, "grant");
            case "REVOKE" -> ignored(sql, database, "revoke");
            case "SET" -> ignored(sql, database, cursor.peekWord("PASSWORD") || cursor.acceptWords("DEFAULT", "ROLE") ? "user" : "other");
            default -> ignored(sql, database, "other");
        };
    }

    private static ParsedDdl create(String sql, String database, List<SqlToken> tokens, TokenCursor cursor)
    {
        boolean temporary = skipPrefixes(cursor);
        String object = objectKeyword(cursor);
        return switch (object) {
            case "TABLE" -> temporary ? ignored(sql, database, "temporary") : treeOrTokens(sql, database, tokens, cursor, TokenDdl::createTable);
            case "INDEX" -> TokenDdl.createIndex(sql, database, cursor);
            case "DATABASE", "SCHEMA" -> TokenDdl.createDatabase(sql, database, cursor);
            default -> ignored(sql, database, category(object));
        };
    }

    private static ParsedDdl alter(String sql, String database, List<SqlToken> tokens, TokenCursor cursor)
    {
        skipPrefixes(cursor);
        String object = objectKeyword(cursor);
        return object.equals("TABLE") ? treeOrTokens(sql, database, tokens, cursor, TokenDdl::alterTable) : ignored(sql, database, category(object));
    }

    /**
     * JSQLParser's reading of a CREATE or ALTER TABLE (the cursor stands after TABLE), or, where
     * its grammar lacks the statement's syntax or it cannot print the statement back faithfully,
     * the token reader's: the statement then keeps its own text except for the table names. When
     * neither can read it, JSQLParser's reason is reported.
     */
    private static ParsedDdl treeOrTokens(String sql, String database, List<SqlToken> tokens, TokenCursor cursor, TokenReader fallback)
    {
        try {
            ParsedDdl tree = TreeDdl.parse(sql, database, tokens);
            if (tree.caveat().isEmpty() && !printsBack(tree)) {
                try {
                    return fallback.read(sql, database, cursor);
                }
                catch (UnparseableDdlException token) {
                    return tree;
                }
            }
            return tree;
        }
        catch (UnparseableDdlException tree) {
            try {
                return fallback.read(sql, database, cursor);
            }
            catch (UnparseableDdlException token) {
                tree.addSuppressed(token);
                throw tree;
            }
        }
    }

    private static boolean printsBack(ParsedDdl tree)
    {
        try {
            tree.rewrite(java.util.function.Function.identity(), java.util.function.UnaryOperator.identity());
            return true;
        }
        catch (UnparseableDdlException e) {
            return false;
        }
    }

    private interface TokenReader
    {
        ParsedDdl read(String sql, String database, TokenCursor cursor);
    }

    private static ParsedDdl drop(String sql, String database, TokenCursor cursor)
    {
        boolean temporary = skipPrefixes(cursor);
        String object = objectKeyword(cursor);
        return switch (object) {
            case "TABLE" -> temporary ? ignored(sql, database, "temporary") : TokenDdl.dropTable(sql, database, cursor);
            case "INDEX" -> TokenDdl.dropIndex(sql, database, cursor);
            case "DATABASE", "SCHEMA" -> TokenDdl.dropDatabase(sql, database, cursor);
            default -> ignored(sql, database, category(object));
        };
    }

    /**
     * Consumes the clauses between CREATE/ALTER/DROP and the object keyword: {@code OR REPLACE},
     * {@code DEFINER = user}, {@code ALGORITHM = x}, {@code SQL SECURITY x}, {@code TEMPORARY},
     * {@code ONLINE}, {@code UNIQUE} and the like.
     *
     * @return whether TEMPORARY was among them
     */
    private static boolean skipPrefixes(TokenCursor cursor)
    {
        boolean temporary = false;
        while (true) {
            if (cursor.acceptWords("TEMPORARY")) {
                temporary = true;
            }
            else if (!skipPrefix(cursor)) {
                return temporary;
            }
        }
    }

    private static boolean skipPrefix(TokenCursor cursor)
    {
        if (cursor.acceptWords("OR", "REPLACE")) {
            return true;
        }
        if (cursor.acceptWords("SQL", "SECURITY")) {
            cursor.next();
            return true;
        }
        if (cursor.acceptWords("DEFINER")) {
            cursor.acceptSymbol("=");
            if (cursor.acceptWords("CURRENT_USER")) {
                if (cursor.acceptSymbol("(")) {
                    cursor.acceptSymbol(")");
                }
            }
            else {
                cursor.next();
                if (cursor.acceptSymbol("@")) {
                    cursor.next();
                }
            }
            return true;
        }
        if (cursor.acceptWords("ALGORITHM")) {
            cursor.acceptSymbol("=");
            cursor.next();
            return true;
        }
        for (String word : List.of("ONLINE", "OFFLINE", "IGNORE", "AGGREGATE", "UNIQUE", "FULLTEXT", "SPATIAL")) {
            if (cursor.acceptWords(word)) {
                return true;
            }
        }
        return false;
    }

    private static String objectKeyword(TokenCursor cursor)
    {
        SqlToken object = cursor.next();
        return object == null || object.type() != SqlToken.Type.WORD ? "" : object.text().toUpperCase(Locale.ROOT);
    }

    private static String category(String object)
    {
        return switch (object) {
            case "VIEW" -> "view";
            case "PROCEDURE" -> "procedure";
            case "FUNCTION" -> "function";
            case "TRIGGER" -> "trigger";
            case "EVENT" -> "event";
            case "USER", "ROLE" -> "user";
            default -> "other";
        };
    }

    private static ParsedDdl ignored(String sql, String database, String category)
    {
        return ParsedDdl.ignored(sql, database, category);
    }
}
