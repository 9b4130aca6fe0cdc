package dev.ferry.runtime.ddl;

import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code ddl/corpus.tsv}: classification, rewrite under a fixed mapping, and a check that
 * every rewritten statement parses again to the mapped tables and prints back unchanged.
 */
class DdlCorpusTest
{
    private static final String CORPUS = "/ddl/corpus.tsv";

    static final Function<TableName, TableName> TABLES = name -> {
        if (!name.database().equals("shop")) {
            return name;
        }
        return new TableName("shop_new", name.table().equals("orders") ? "orders_v2" : name.table());
    };
    static final UnaryOperator<String> DATABASES = name -> name.equals("shop") ? "shop_new" : name;

    static Stream<Named<Entry>> corpus()
    {
        return entries().stream().map(entry -> Named.of("line " + entry.line() + ": " + entry.sql(), entry));
    }

    @Test
    void corpusHoldsEnoughStatements()
    {
        List<Entry> entries = entries();
        long classified = entries.stream().filter(entry -> !entry.kind().equals("UNPARSEABLE")).count();
        assertTrue(classified >= 150, "only " + classified + " classified statements in " + CORPUS);
        Set<String> kinds = new HashSet<>();
        entries.forEach(entry -> kinds.add(entry.kind().split(":")[0]));
        for (SchemaEvent.Kind kind : SchemaEvent.Kind.values()) {
            assertTrue(kinds.contains(kind.name()), "no " + kind + " statement in " + CORPUS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void statement(Entry entry)
    {
        if (entry.kind().equals("UNPARSEABLE")) {
            UnparseableDdlException e = assertThrows(UnparseableDdlException.class, () -> DdlParser.parse(entry.sql(), entry.database()));
            assertReason(entry.rewritten(), e);
            return;
        }
        ParsedDdl ddl = DdlParser.parse(entry.sql(), entry.database());
        assertEquals(entry.kind(), ddl.kind() + ddl.ignoredCategory().map(category -> ":" + category).orElse(""), "kind");
        assertEquals(entry.affected(), ddl.affected(), "affected");
        assertEquals(entry.created(), ddl.created(), "created");
        assertEquals(entry.dropped(), ddl.dropped(), "dropped");
        assertEquals(entry.databases(), databases(ddl, UnaryOperator.identity()), "databases");

        if (entry.rewritten().startsWith("!")) {
            assertReason(entry.rewritten(), assertThrows(UnparseableDdlException.class, () -> ddl.rewrite(TABLES, DATABASES)));
            return;
        }
        String rewritten = ddl.rewrite(TABLES, DATABASES);
        assertEquals(entry.rewritten().equals("=") ? entry.sql() : entry.rewritten(), rewritten, "rewritten");
        if (ddl.kind() != SchemaEvent.Kind.IGNORED) {
            assertRewrittenParses(ddl, rewritten);
        }
    }

    private static void assertRewrittenParses(ParsedDdl original, String rewritten)
    {
        // no default database: every table name in the rewritten statement must be qualified
        ParsedDdl again = DdlParser.parse(rewritten, null);
        assertEquals(original.kind(), again.kind(), "kind after rewrite");
        assertEquals(original.affected().stream().map(TABLES).toList(), again.affected(), "affected after rewrite");
        assertEquals(original.created().stream().map(TABLES).toList(), again.created(), "created after rewrite");
        assertEquals(original.dropped().stream().map(TABLES).toList(), again.dropped(), "dropped after rewrite");
        assertEquals(databases(original, DATABASES), databases(again, UnaryOperator.identity()), "databases after rewrite");
        assertEquals(rewritten, again.rewrite(Function.identity(), UnaryOperator.identity()), "printing the rewritten statement again");
    }

    private static void assertReason(String expected, UnparseableDdlException e)
    {
        String prefix = expected.substring(1);
        assertTrue(e.reason().startsWith(prefix), () -> "reason \"" + e.reason() + "\" does not start with \"" + prefix + "\"");
        assertTrue(e.getMessage().contains(e.reason()), "message holds the reason");
    }

    private static String databases(ParsedDdl ddl, UnaryOperator<String> rename)
    {
        List<String> databases = new ArrayList<>();
        ddl.databasesCreated().forEach(name -> databases.add("+" + rename.apply(name)));
        ddl.databasesDropped().forEach(name -> databases.add("-" + rename.apply(name)));
        return databases.isEmpty() ? "-" : String.join(",", databases);
    }

    private static List<Entry> entries()
    {
        List<Entry> entries = new ArrayList<>();
        try (InputStream stream = DdlCorpusTest.class.getResourceAsStream(CORPUS)) {
            if (stream == null) {
                throw new IllegalStateException(CORPUS + " not found");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(stream, UTF_8));
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (!line.isBlank() && !line.startsWith("#")) {
                    entries.add(Entry.parse(number, line));
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    record Entry(int line, String database, String sql, String kind, List<TableName> affected, List<TableName> created,
            List<TableName> dropped, String databases, String rewritten)
    {
        static Entry parse(int line, String text)
        {
            String[] columns = text.split("\t", -1);
            if (columns.length != 8) {
                throw new IllegalArgumentException(CORPUS + " line " + line + ": expected 8 columns, got " + columns.length);
            }
            return new Entry(
                    line,
                    columns[0].equals("-") ? null : columns[0],
                    columns[1],
                    columns[2],
                    tables(columns[3]),
                    tables(columns[4]),
                    tables(columns[5]),
                    columns[6],
                    columns[7]);
        }

        private static List<TableName> tables(String column)
        {
            if (column.equals("-")) {
                return List.of();
            }
            return Arrays.stream(column.split(",")).map(TableName::parse).toList();
        }
    }
}
