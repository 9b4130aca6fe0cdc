package dev.ferry.runtime.ddl;

import dev.ferry.api.model.SchemaEvent.Kind;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.ddl.TokenCursor.NameSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * DROP TABLE, CREATE INDEX, DROP INDEX and CREATE/DROP DATABASE, read from tokens. JSQLParser
 * 5.3 rejects {@code DROP TABLE a, b}, {@code DROP INDEX i ON db.t}, {@code DROP DATABASE},
 * FULLTEXT/SPATIAL indexes and ALGORITHM/LOCK options, and has no tree for CREATE DATABASE;
 * these grammars are small enough to read directly. A rewrite replaces exactly the name tokens
 * and keeps the rest of the text, comments included.
 */
final class TokenDdl
{
    private TokenDdl() {}

    /**
     * After {@code DROP TABLE}: {@code [IF EXISTS] t [, t]... [WAIT n | NOWAIT] [RESTRICT | CASCADE]}.
     */
    static ParsedDdl dropTable(String sql, String defaultDatabase, TokenCursor cursor)
    {
        cursor.acceptWords("IF", "EXISTS");
        List<NameSpan> spans = new ArrayList<>();
        do {
            spans.add(requireName(sql, cursor, "a table name"));
        }
        while (cursor.acceptSymbol(","));
        if (cursor.acceptWords("WAIT")) {
            cursor.next();
        }
        cursor.acceptWords("NOWAIT");
        if (!cursor.acceptWords("RESTRICT")) {
            cursor.acceptWords("CASCADE");
        }
        requireEnd(sql, cursor);

        ParsedDdl.Builder builder = ParsedDdl.builder(Kind.DROP_TABLE, sql, defaultDatabase);
        List<TableName> names = new ArrayList<>();
        for (NameSpan span : spans) {
            TableName name = span.resolve(sql, defaultDatabase);
            names.add(name);
            builder.affected(name).dropped(name);
        }
        return builder.rewriter((tables, databases) -> spliceTables(sql, spans, names, tables)).build();
    }

    /**
     * After {@code CREATE [UNIQUE | FULLTEXT | SPATIAL] INDEX}:
     * {@code [IF NOT EXISTS] i [USING type] ON t (...) [options]}.
     */
    static ParsedDdl createIndex(String sql, String defaultDatabase, TokenCursor cursor)
    {
        cursor.acceptWords("IF", "NOT", "EXISTS");
        requireName(sql, cursor, "an index name");
        if (cursor.acceptWords("USING") || cursor.acceptWords("TYPE")) {
            cursor.next();
        }
        requireWord(sql, cursor, "ON");
        NameSpan table = requireName(sql, cursor, "a table name");
        if (!cursor.acceptSymbol("(")) {
            throw unexpected(sql, cursor, "(");
        }
        return onTable(Kind.CREATE_INDEX, sql, defaultDatabase, table);
    }

    /**
     * After {@code DROP INDEX}: {@code [IF EXISTS] i ON t [options]}.
     */
    static ParsedDdl dropIndex(String sql, String defaultDatabase, TokenCursor cursor)
    {
        cursor.acceptWords("IF", "EXISTS");
        requireName(sql, cursor, "an index name");
        requireWord(sql, cursor, "ON");
        NameSpan table = requireName(sql, cursor, "a table name");
        return onTable(Kind.DROP_INDEX, sql, defaultDatabase, table);
    }

    /**
     * After {@code CREATE DATABASE} or {@code CREATE SCHEMA}: {@code [IF NOT EXISTS] db [options]}.
     */
    static ParsedDdl createDatabase(String sql, String defaultDatabase, TokenCursor cursor)
    {
        cursor.acceptWords("IF", "NOT", "EXISTS");
        SqlToken name = requireDatabase(sql, cursor);
        return ParsedDdl.builder(Kind.CREATE_DATABASE, sql, defaultDatabase)
                .databaseCreated(name.identifier())
                .rewriter((tables, databases) -> splice(sql, name.start(), name.end(), TableName.quoteIdentifier(databases.apply(name.identifier()))))
                .build();
    }

    /**
     * After {@code DROP DATABASE} or {@code DROP SCHEMA}: {@code [IF EXISTS] db}.
     */
    static ParsedDdl dropDatabase(String sql, String defaultDatabase, TokenCursor cursor)
    {
        cursor.acceptWords("IF", "EXISTS");
        SqlToken name = requireDatabase(sql, cursor);
        requireEnd(sql, cursor);
        return ParsedDdl.builder(Kind.DROP_DATABASE, sql, defaultDatabase)
                .databaseDropped(name.identifier())
                .rewriter((tables, databases) -> splice(sql, name.start(), name.end(), TableName.quoteIdentifier(databases.apply(name.identifier()))))
                .build();
    }

    private static ParsedDdl onTable(Kind kind, String sql, String defaultDatabase, NameSpan span)
    {
        TableName name = span.resolve(sql, defaultDatabase);
        return ParsedDdl.builder(kind, sql, defaultDatabase)
                .affected(name)
                .rewriter((tables, databases) -> spliceTables(sql, List.of(span), List.of(name), tables))
                .build();
    }

    private static String spliceTables(String sql, List<NameSpan> spans, List<TableName> names, Function<TableName, TableName> tables)
    {
        StringBuilder result = new StringBuilder(sql.length() + 32);
        int copied = 0;
        for (int i = 0; i < spans.size(); i++) {
            NameSpan span = spans.get(i);
            result.append(sql, copied, span.start()).append(tables.apply(names.get(i)).quoted());
            copied = span.end();
        }
        return result.append(sql, copied, sql.length()).toString();
    }

    private static String splice(String sql, int start, int end, String replacement)
    {
        return sql.substring(0, start) + replacement + sql.substring(end);
    }

    private static NameSpan requireName(String sql, TokenCursor cursor, String expected)
    {
        NameSpan name = cursor.name();
        if (name == null) {
            throw unexpected(sql, cursor, expected);
        }
        return name;
    }

    private static SqlToken requireDatabase(String sql, TokenCursor cursor)
    {
        SqlToken name = cursor.peek();
        if (name == null || !name.isIdentifier() || name.identifier().isEmpty()) {
            throw unexpected(sql, cursor, "a database name");
        }
        return cursor.next();
    }

    private static void requireWord(String sql, TokenCursor cursor, String word)
    {
        if (!cursor.acceptWords(word)) {
            throw unexpected(sql, cursor, word);
        }
    }

    private static void requireEnd(String sql, TokenCursor cursor)
    {
        if (!cursor.atEnd()) {
            throw unexpected(sql, cursor, "the end of the statement");
        }
    }

    private static UnparseableDdlException unexpected(String sql, TokenCursor cursor, String expected)
    {
        SqlToken found = cursor.peek();
        return new UnparseableDdlException(sql, "expected " + expected + " but found " + (found == null ? "the end of the statement" : "\"" + found.text() + "\""));
    }
}
