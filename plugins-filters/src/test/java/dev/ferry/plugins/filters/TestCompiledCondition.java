package dev.ferry.plugins.filters;

import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import dev.ferry.testing.spi.TestingTables;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.ferry.plugins.filters.CompiledCondition.FALSE;
import static dev.ferry.plugins.filters.CompiledCondition.TRUE;
import static dev.ferry.plugins.filters.CompiledCondition.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestCompiledCondition
{
    private static final TableSchema TABLE = TestingTables.table("shop.t")
            .column("id", "bigint(20) unsigned")
            .nullable("n", "int(11)")
            .nullable("d", "decimal(10,2)")
            .nullable("s", "varchar(20)")
            .text("b", "varchar(20)", "utf8mb4", "utf8mb4_bin")
            .text("c", "varchar(20)", "utf8mb4", "utf8mb4_nopad_bin")
            .nullable("at", "datetime(3)")
            .nullable("day", "date")
            .nullable("raw", "varbinary(8)")
            .nullable("f", "double")
            .text("l1", "varchar(10)", "latin1", "latin1_bin")
            .nullable("doc", "json")
            .primaryKey("id")
            .build();

    // ---- three-valued logic -------------------------------------------------------------------

    private static final Map<String, String> ATOMS = Map.of("TRUE", "n = 1", "FALSE", "n = 0", "UNKNOWN", "n = NULL");
    private static final String[] VALUES = {"TRUE", "FALSE", "UNKNOWN"};

    @Test
    void andFollowsThreeValuedLogic()
    {
        String[][] table = {
                // TRUE     FALSE    UNKNOWN
                {"TRUE", "FALSE", "UNKNOWN"},  // TRUE AND
                {"FALSE", "FALSE", "FALSE"},   // FALSE AND
                {"UNKNOWN", "FALSE", "UNKNOWN"}}; // UNKNOWN AND
        assertTruthTable("AND", table);
    }

    @Test
    void orFollowsThreeValuedLogic()
    {
        String[][] table = {
                {"TRUE", "TRUE", "TRUE"},
                {"TRUE", "FALSE", "UNKNOWN"},
                {"TRUE", "UNKNOWN", "UNKNOWN"}};
        assertTruthTable("OR", table);
    }

    @Test
    void notOfUnknownIsUnknown()
    {
        Row row = row("n", "1");
        assertEquals(FALSE, evaluate("NOT (n = 1)", row));
        assertEquals(TRUE, evaluate("NOT (n = 0)", row));
        assertEquals(UNKNOWN, evaluate("NOT (n = NULL)", row));
        assertEquals(UNKNOWN, evaluate("NOT (n = 1)", row("n", null)));
    }

    @Test
    void aRowMatchesOnlyWhenTheConditionIsTrue()
    {
        assertTrue(compile("n = 1 OR n IS NULL").matches(row("n", null)));
        assertFalse(compile("n = 1").matches(row("n", null)), "UNKNOWN is not a match");
        assertFalse(compile("NOT (n = 1)").matches(row("n", null)), "NOT UNKNOWN is not a match");
        assertTrue(compile("n = 1").matches(row("n", "1")));
    }

    @Test
    void comparisonsWithNullAreUnknown()
    {
        Row nullRow = row("n", null);
        for (String operator : List.of("=", "<>", "<", "<=", ">", ">=")) {
            assertEquals(UNKNOWN, evaluate("n " + operator + " 1", nullRow), operator);
            assertEquals(UNKNOWN, evaluate("n " + operator + " NULL", row("n", "1")), operator + " NULL");
        }
        assertEquals(TRUE, evaluate("n IS NULL", nullRow));
        assertEquals(FALSE, evaluate("n IS NOT NULL", nullRow));
        assertEquals(FALSE, evaluate("n IS NULL", row("n", "0")));
        assertEquals(UNKNOWN, evaluate("n IN (1, 2)", nullRow));
        assertEquals(UNKNOWN, evaluate("n NOT IN (1, 2)", nullRow));
        assertEquals(UNKNOWN, evaluate("n BETWEEN 1 AND 2", nullRow));
    }

    @Test
    void inWithNullInTheListIsNeverFalse()
    {
        assertEquals(TRUE, evaluate("n IN (1, NULL)", row("n", "1")));
        assertEquals(UNKNOWN, evaluate("n IN (1, NULL)", row("n", "2")));
        assertEquals(FALSE, evaluate("n NOT IN (1, NULL)", row("n", "1")));
        assertEquals(UNKNOWN, evaluate("n NOT IN (1, NULL)", row("n", "2")));
        assertEquals(TRUE, evaluate("n NOT IN (1, 3)", row("n", "2")));
        assertEquals(UNKNOWN, evaluate("n IN (NULL)", row("n", "2")));
    }

    @Test
    void betweenIsTwoComparisons()
    {
        assertEquals(TRUE, evaluate("n BETWEEN 1 AND 3", row("n", "1")));
        assertEquals(TRUE, evaluate("n BETWEEN 1 AND 3", row("n", "3")));
        assertEquals(FALSE, evaluate("n BETWEEN 1 AND 3", row("n", "4")));
        assertEquals(TRUE, evaluate("n NOT BETWEEN 1 AND 3", row("n", "0")));
        assertEquals(FALSE, evaluate("n BETWEEN 3 AND 1", row("n", "2")), "no SYMMETRIC: an empty range");
        // n >= NULL AND n <= 5: UNKNOWN AND TRUE, UNKNOWN AND FALSE
        assertEquals(UNKNOWN, evaluate("n BETWEEN NULL AND 5", row("n", "3")));
        assertEquals(FALSE, evaluate("n BETWEEN NULL AND 5", row("n", "7")));
        assertEquals(TRUE, evaluate("n NOT BETWEEN NULL AND 5", row("n", "7")));
        assertEquals(UNKNOWN, evaluate("n NOT BETWEEN NULL AND 5", row("n", "3")));
    }

    // ---- numbers ------------------------------------------------------------------------------

    @Test
    void comparesUnsignedBigintsUpToTwoToTheSixtyFourMinusOne()
    {
        Row max = row("id", "18446744073709551615");
        assertEquals(TRUE, evaluate("id = 18446744073709551615", max));
        assertEquals(FALSE, evaluate("id = 18446744073709551614", max));
        assertEquals(TRUE, evaluate("id > 9223372036854775807", max));
        assertEquals(TRUE, evaluate("id IN (1, 18446744073709551615)", max));
        assertEquals(FALSE, evaluate("id < 1", max));
        assertEquals(TRUE, evaluate("id < 18446744073709551615", row("id", "9223372036854775808")));
        assertEquals(TRUE, evaluate("id BETWEEN 0 AND 1", row("id", "0")));
    }

    @Test
    void comparesNumbersNumericallyAndExactly()
    {
        assertEquals(TRUE, evaluate("d = 7", row("d", "7.00")));
        assertEquals(TRUE, evaluate("d = 7.000", row("d", "7.00")));
        assertEquals(FALSE, evaluate("d > 7.001", row("d", "7.00")));
        assertEquals(TRUE, evaluate("d BETWEEN 6.99 AND 7", row("d", "7.00")));
        assertEquals(TRUE, evaluate("d = -0.5", row("d", "-0.50")));
        assertEquals(TRUE, evaluate("d < 0.1", row("d", "0.09")));
        assertEquals(FALSE, evaluate("n = 7.5", row("n", "7")));
        assertEquals(TRUE, evaluate("n < 7.5", row("n", "7")));
        assertEquals(TRUE, evaluate("n = 7.0", row("n", "7")));
        assertEquals(TRUE, evaluate("n > -3", row("n", "-2")));
        assertEquals(TRUE, evaluate("n = 10", row("n", "10")));
        assertEquals(FALSE, evaluate("n = 1", row("n", "10")));
        assertEquals(TRUE, evaluate("n <> 1", row("n", "10")));
    }

    // ---- dates and times ----------------------------------------------------------------------

    @Test
    void comparesDatesAndTimesAsPointsInTime()
    {
        Row midnight = row("at", "2024-01-01 00:00:00.000");
        assertEquals(TRUE, evaluate("at >= '2024-01-01'", midnight));
        assertEquals(FALSE, evaluate("at > '2024-01-01'", midnight));
        assertEquals(TRUE, evaluate("at = '2024-01-01 00:00:00'", midnight));
        Row later = row("at", "2024-01-01 10:00:00.500");
        assertEquals(TRUE, evaluate("at = '2024-01-01 10:00:00.5'", later));
        assertEquals(TRUE, evaluate("at < '2024-01-01 10:00:00.501'", later));
        assertEquals(TRUE, evaluate("at > '2023-12-31 23:59:59.999'", later));
        assertEquals(TRUE, evaluate("at BETWEEN '2024-01-01' AND '2024-01-02'", later));
        assertEquals(TRUE, evaluate("day = '2024-02-29'", row("day", "2024-02-29")));
        assertEquals(TRUE, evaluate("day < '2024-03-01'", row("day", "2024-02-29")));
        assertEquals(TRUE, evaluate("day IN ('2024-02-28', '2024-02-29')", row("day", "2024-02-29")));
        assertEquals(TRUE, evaluate("at < '2000-01-01'", row("at", "0000-00-00 00:00:00.000")), "the zero date sorts first");
    }

    @Test
    void refusesTemporalLiteralsTheServerMightReadDifferently()
    {
        assertProblems("day = '2024-02-29 10:00:00'", "column day is date: write the literal 'YYYY-MM-DD' (got '2024-02-29 10:00:00')");
        assertProblems("at = '2024/01/01'",
                "column at is datetime(3): write the literal 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss[.fraction]' (got '2024/01/01')");
        assertProblems("at = '2024-01-01 10:00:00.1234'",
                "column at is datetime(3): write the literal 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss[.fraction]' (got '2024-01-01 10:00:00.1234')");
        assertProblems("day = '2023-02-29'", "literal '2023-02-29' for column day is not a valid date: Invalid date 'February 29' as '2023' is not a leap year");
        assertProblems("at = '2024-01-01 24:00:00'", "literal '2024-01-01 24:00:00' for column at is not a valid time of day");
        assertProblems("at > 20240101", "column at is datetime(3): compare it with a string written 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss[.fraction]', not 20240101");
    }

    // ---- strings ------------------------------------------------------------------------------

    @Test
    void comparesBinaryCollationsByteWiseIgnoringTrailingSpaces()
    {
        assertEquals(TRUE, evaluate("b = 'Abc'", row("b", "Abc")));
        assertEquals(FALSE, evaluate("b = 'Abc'", row("b", "abc")));
        assertEquals(TRUE, evaluate("b = 'Abc'", row("b", "Abc  ")), "utf8mb4_bin is PAD SPACE");
        assertEquals(TRUE, evaluate("b < 'b'", row("b", "a")));
        assertEquals(TRUE, evaluate("b < 'b'", row("b", "B")));
        assertEquals(FALSE, evaluate("b < 'b'", row("b", "b")));
        assertEquals(FALSE, evaluate("b > 'a'", row("b", "a ")));
        assertEquals(FALSE, evaluate("b > 'a'", row("b", "a\t")), "PAD SPACE: 'a\\t' sorts before 'a '");
        assertEquals(TRUE, evaluate("b > 'a'", row("b", "a!")));
        assertEquals(TRUE, evaluate("b > 'z'", row("b", "é")), "code point order");
        assertEquals(FALSE, evaluate("c = 'a'", row("c", "a ")), "NO PAD");
        assertEquals(TRUE, evaluate("c > 'a'", row("c", "a ")), "NO PAD");
    }

    @Test
    void encodesLiteralsInTheColumnsCharacterSet()
    {
        Map<String, String> values = new HashMap<>();
        values.put("l1", "é");
        Row latin1 = row(values, StandardCharsets.ISO_8859_1);
        assertEquals(TRUE, evaluate("l1 = 'é'", latin1));
        assertEquals(TRUE, evaluate("l1 > 'e'", latin1));
        assertProblems("l1 = 'ā'", "literal 'ā' cannot be written in the character set latin1 of column l1");
    }

    @Test
    void asksTheSourceAboutTextThatDiffersUnderACollation()
    {
        TestingQueries queries = new TestingQueries((sql, parameters) -> {
            String value = new String((byte[]) parameters.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            for (Object literal : parameters.subList(1, parameters.size())) {
                if (new String((byte[]) literal, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).equals(value)) {
                    return true;
                }
            }
            return false;
        });
        CompiledCondition equal = compile("s = 'acme'", queries);
        assertEquals(List.of("SELECT CONVERT(? USING utf8mb4) COLLATE utf8mb4_general_ci IN (CONVERT(? USING utf8mb4))"), queries.prepared());
        assertEquals(TRUE, equal.evaluate(row("s", "acme")));
        assertEquals(0, queries.asked().size(), "equal bytes need no question");
        assertEquals(TRUE, equal.evaluate(row("s", "ACME")));
        assertEquals(TRUE, equal.evaluate(row("s", "ACME")));
        assertEquals(1, queries.asked().size(), "the answer is cached");
        assertEquals(FALSE, equal.evaluate(row("s", "other")));
        assertEquals(UNKNOWN, equal.evaluate(row("s", null)));

        assertEquals(FALSE, evaluate("s <> 'acme'", row("s", "ACME"), queries));
        assertEquals(TRUE, evaluate("s IN ('a', 'b')", row("s", "B"), queries));
        assertEquals(FALSE, evaluate("s NOT IN ('a', 'b')", row("s", "B"), queries));
        assertEquals(TRUE, evaluate("s NOT IN ('a', 'b')", row("s", "c"), queries));
    }

    @Test
    void refusesOrderingTextUnderANonBinaryCollation()
    {
        String problem = "column s has the collation utf8mb4_general_ci, under which the server orders strings differently from ferry "
                + "(which compares bytes): use =, <>, IN or NOT IN on it, or compare a column with a binary (_bin) collation";
        assertProblems("s < 'm'", problem);
        assertProblems("s BETWEEN 'a' AND 'm'", problem);
    }

    @Test
    void comparesBinaryStringsByteWise()
    {
        assertEquals(TRUE, evaluate("raw = 'ab'", row("raw", "ab")));
        assertEquals(FALSE, evaluate("raw = 'ab'", row("raw", "ab ")), "binary strings are NO PAD");
        assertEquals(TRUE, evaluate("raw > 'a'", row("raw", "ab")));
    }

    // ---- what cannot be compared --------------------------------------------------------------

    @Test
    void refusesLiteralsOfTheWrongKind()
    {
        assertProblems("n = 'x'", "column n is int(11): compare it with a number, not 'x'");
        assertProblems("s = 7", "column s is varchar(20): compare it with a string, not 7");
        assertProblems("raw = 7", "column raw is varbinary(8): compare it with a string, not 7");
    }

    @Test
    void refusesColumnsWithoutExactComparisons()
    {
        assertProblems("f = 1.5", "column f (double) cannot be filtered: floating-point values are approximate; compare a DECIMAL or integer column");
        assertProblems("doc = 'x'", "column doc (json) cannot be filtered: json values cannot be compared with literals");
        assertNotNull(compile("f IS NULL AND doc IS NOT NULL"), "IS NULL works on every column");
    }

    @Test
    void namesMissingColumnsAndTheColumnsThereAre()
    {
        assertProblems("zz = 1 AND n = 'x'",
                "table shop.t has no column zz (columns: id, n, d, s, b, c, at, day, raw, f, l1, doc)",
                "column n is int(11): compare it with a number, not 'x'");
    }

    @Test
    void findsColumnsIgnoringCase()
    {
        assertEquals(TRUE, evaluate("N = 1", row("n", "1")));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void assertTruthTable(String operator, String[][] expected)
    {
        Row row = row("n", "1");
        for (int i = 0; i < VALUES.length; i++) {
            for (int j = 0; j < VALUES.length; j++) {
                String condition = "(" + ATOMS.get(VALUES[i]) + ") " + operator + " (" + ATOMS.get(VALUES[j]) + ")";
                assertEquals(value(expected[i][j]), evaluate(condition, row), VALUES[i] + " " + operator + " " + VALUES[j]);
            }
        }
    }

    private static int value(String name)
    {
        switch (name) {
            case "TRUE":
                return TRUE;
            case "FALSE":
                return FALSE;
            default:
                return UNKNOWN;
        }
    }

    private static Row row(String column, String value)
    {
        Map<String, String> values = new HashMap<>();
        values.put(column, value);
        return row(values, StandardCharsets.UTF_8);
    }

    /**
     * A row of TABLE: the given columns, NULL elsewhere.
     */
    private static Row row(Map<String, String> values, Charset charset)
    {
        byte[][] bytes = new byte[TABLE.columns().size()][];
        for (Map.Entry<String, String> entry : values.entrySet()) {
            int index = TABLE.columnIndex(entry.getKey());
            bytes[index] = entry.getValue() == null ? null : entry.getValue().getBytes(charset);
        }
        return Row.wrap(bytes);
    }

    private static int evaluate(String condition, Row row)
    {
        return compile(condition).evaluate(row);
    }

    private static int evaluate(String condition, Row row, TestingQueries queries)
    {
        return compile(condition, queries).evaluate(row);
    }

    private static CompiledCondition compile(String condition)
    {
        return compile(condition, TestingQueries.none());
    }

    private static CompiledCondition compile(String text, TestingQueries queries)
    {
        List<String> problems = new ArrayList<>();
        RowCondition condition = RowCondition.parse(text, problems);
        assertEquals(List.of(), problems, text);
        CompiledCondition compiled = CompiledCondition.compile(condition, TABLE, queries, 100, problems);
        assertEquals(List.of(), problems, text);
        return compiled;
    }

    private static void assertProblems(String text, String... expected)
    {
        List<String> problems = new ArrayList<>();
        RowCondition condition = RowCondition.parse(text, problems);
        assertEquals(List.of(), problems, text);
        assertNull(CompiledCondition.compile(condition, TABLE, TestingQueries.none(), 100, problems), text);
        assertEquals(List.of(expected), problems, text);
    }
}
