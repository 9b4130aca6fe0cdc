package dev.ferry.runtime.ddl;

import dev.ferry.api.model.TableName;
import dev.ferry.runtime.ddl.SchemaEvent.Kind;
import dev.ferry.runtime.ddl.TokenCursor.NameSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * DROP TABLE, CREATE INDEX, DROP INDEX and CREATE/DROP DATABASE, read from tokens, and the
 * fallback for ALTER TABLE and CREATE TABLE statements that JSQLParser cannot read. JSQLParser
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

    /**
     * The fallback for an ALTER TABLE that JSQLParser cannot read (its grammar lacks many
     * MySQL/MariaDB column and index options): after {@code ALTER [ONLINE] [IGNORE] TABLE}, the
     * table, then clauses where only {@code RENAME [TO | AS] t} and {@code REFERENCES t} can name
     * a table. A rewrite replaces those name tokens and keeps every other byte, so options this
     * reader does not know reach the target unchanged.
     *
     * @throws UnparseableDdlException for clauses that may name a table in other ways
     *         ({@code EXCHANGE PARTITION}, a subquery)
     */
    static ParsedDdl alterTable(String sql, String defaultDatabase, TokenCursor cursor)
    {
        cursor.acceptWords("IF", "EXISTS");
        NameSpan subject = requireName(sql, cursor, "a table name");
        List<NameSpan> renamed = new ArrayList<>();
        List<NameSpan> referenced = new ArrayList<>();
        int depth = 0;
        while (!cursor.atEnd()) {
            SqlToken token = cursor.next();
            if (token.isSymbol("(")) {
                depth++;
            }
            else if (token.isSymbol(")")) {
                depth--;
            }
            else if (token.type() == SqlToken.Type.WORD) {
                String word = token.text().toUpperCase(java.util.Locale.ROOT);
                switch (word) {
                    case "REFERENCES" -> referenced.add(requireName(sql, cursor, "a table name after REFERENCES"));
                    case "RENAME" -> {
                        if (depth == 0 && !cursor.peekWord("COLUMN") && !cursor.peekWord("INDEX") && !cursor.peekWord("KEY")) {
                            if (!cursor.acceptWords("TO")) {
                                cursor.acceptWords("AS");
                            }
                            renamed.add(requireName(sql, cursor, "a table name after RENAME"));
                        }
                    }
                    case "EXCHANGE", "SELECT" -> throw new UnparseableDdlException(sql, word + " may name a table that the token reader does not follow");
                    default -> {
                    }
                }
            }
        }
        TableName table = subject.resolve(sql, defaultDatabase);
        ParsedDdl.Builder builder = ParsedDdl.builder(Kind.ALTER_TABLE, sql, defaultDatabase).affected(table);
        List<NameSpan> spans = new ArrayList<>(List.of(subject));
        List<TableName> names = new ArrayList<>(List.of(table));
        TableName last = table;
        for (NameSpan span : renamed) {
            last = span.resolve(sql, defaultDatabase);
            spans.add(span);
            names.add(last);
        }
        if (!last.equals(table)) {
            builder.created(last).dropped(table).renamed(table, last);
        }
        addReferences(sql, defaultDatabase, referenced, builder, spans, names);
        return builder.rewriter((tables, databases) -> spliceTables(sql, sorted(spans, names), names(spans, names), tables)).build();
    }

    /**
     * The fallback for a CREATE TABLE that JSQLParser cannot read: after {@code CREATE TABLE
     * [IF NOT EXISTS]}, the table, then a definition where only {@code LIKE t} and
     * {@code REFERENCES t} can name a table. As with {@link #alterTable}, a rewrite replaces the
     * name tokens only.
     *
     * @throws UnparseableDdlException for {@code CREATE TABLE ... SELECT}
     */
    static ParsedDdl createTable(String sql, String defaultDatabase, TokenCursor cursor)
    {
        cursor.acceptWords("IF", "NOT", "EXISTS");
        NameSpan subject = requireName(sql, cursor, "a table name");
        List<NameSpan> referenced = new ArrayList<>();
        while (!cursor.atEnd()) {
            SqlToken token = cursor.next();
            if (token.type() == SqlToken.Type.WORD) {
                String word = token.text().toUpperCase(java.util.Locale.ROOT);
                switch (word) {
                    case "REFERENCES" -> referenced.add(requireName(sql, cursor, "a table name after REFERENCES"));
                    case "LIKE" -> {
                        referenced.add(requireName(sql, cursor, "a table name after LIKE"));
                        cursor.acceptSymbol(")");
                        requireEnd(sql, cursor);
                    }
                    case "SELECT", "TABLE", "VALUES" -> throw new UnparseableDdlException(sql, "CREATE TABLE ... " + word + " may name tables that the token reader does not follow");
                    default -> {
                    }
                }
            }
        }
        TableName table = subject.resolve(sql, defaultDatabase);
        ParsedDdl.Builder builder = ParsedDdl.builder(Kind.CREATE_TABLE, sql, defaultDatabase).affected(table).created(table);
        List<NameSpan> spans = new ArrayList<>(List.of(subject));
        List<TableName> names = new ArrayList<>(List.of(table));
        addReferences(sql, defaultDatabase, referenced, builder, spans, names);
        return builder.rewriter((tables, databases) -> spliceTables(sql, sorted(spans, names), names(spans, names), tables)).build();
    }

    private static void addReferences(String sql, String defaultDatabase, List<NameSpan> referenced, ParsedDdl.Builder builder, List<NameSpan> spans,
            List<TableName> names)
    {
        for (NameSpan span : referenced) {
            TableName name = span.resolve(sql, defaultDatabase);
            builder.referenced(name);
            spans.add(span);
            names.add(name);
        }
    }

    /**
     * The spans in text order (splicing walks the text once).
     */
    private static List<NameSpan> sorted(List<NameSpan> spans, List<TableName> names)
    {
        return order(spans).stream().map(spans::get).toList();
    }

    private static List<TableName> names(List<NameSpan> spans, List<TableName> names)
    {
        return order(spans).stream().map(names::get).toList();
    }

    private static List<Integer> order(List<NameSpan> spans)
    {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            indexes.add(i);
        }
        indexes.sort(java.util.Comparator.comparingInt(i -> spans.get(i).start()));
        return indexes;
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
