package dev.ferry.plugins.filters;

import dev.ferry.api.filter.SqlPredicate;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TestRowCondition
{
    @Test
    void printsEverySupportedFormWithPlaceholders()
    {
        assertSql("tenant_id = 7 AND deleted_at IS NULL", "`tenant_id` = ? AND `deleted_at` IS NULL", 7L);
        assertSql("status IN ('paid', 'shipped')", "`status` IN (?, ?)", "paid", "shipped");
        assertSql("status NOT IN ('void')", "`status` NOT IN (?)", "void");
        assertSql("amount BETWEEN 10 AND 20.50", "`amount` BETWEEN ? AND ?", 10L, new BigDecimal("20.50"));
        assertSql("amount NOT BETWEEN -1 AND +2", "`amount` NOT BETWEEN ? AND ?", -1L, 2L);
        assertSql("a <> 1 OR a != 2", "`a` <> ? OR `a` <> ?", 1L, 2L);
        assertSql("a < 1 AND a <= 2 AND a > 3 AND a >= 4", "`a` < ? AND `a` <= ? AND `a` > ? AND `a` >= ?", 1L, 2L, 3L, 4L);
        assertSql("deleted_at IS NOT NULL", "`deleted_at` IS NOT NULL");
        assertSql("a = NULL", "`a` = ?", (Object) null);
        assertSql("a IN (1, NULL)", "`a` IN (?, ?)", 1L, null);
    }

    @Test
    void putsTheColumnFirstWhenTheLiteralIsOnTheLeft()
    {
        assertSql("7 = tenant_id", "`tenant_id` = ?", 7L);
        assertSql("'m' < name", "`name` > ?", "m");
        assertSql("10 >= amount", "`amount` <= ?", 10L);
    }

    @Test
    void keepsPrecedenceWithMinimalParentheses()
    {
        assertSql("(a = 1 OR b = 2) AND c = 3", "(`a` = ? OR `b` = ?) AND `c` = ?", 1L, 2L, 3L);
        assertSql("a = 1 OR b = 2 AND c = 3", "`a` = ? OR `b` = ? AND `c` = ?", 1L, 2L, 3L);
        assertSql("NOT (a = 1 OR b = 2)", "NOT (`a` = ? OR `b` = ?)", 1L, 2L);
        assertSql("!(a = 1) && ((b = 2))", "NOT (`a` = ?) AND `b` = ?", 1L, 2L);
        assertSql("NOT a IN (1) OR NOT (b IS NULL)", "NOT (`a` IN (?)) OR NOT (`b` IS NULL)", 1L);
    }

    @Test
    void readsInListsFollowedByAndOrOr()
    {
        // JSQLParser 5.3 alone reads these as a IN ((1, 2) AND b = 3)
        assertSql("a IN (1, 2) AND b = 3", "`a` IN (?, ?) AND `b` = ?", 1L, 2L, 3L);
        assertSql("x = 0 AND a IN (1) OR b = 2", "`x` = ? AND `a` IN (?) OR `b` = ?", 0L, 1L, 2L);
        assertSql("x = 0 AND (a NOT IN ('p', 'q') OR b IN (2)) AND c IS NULL", "`x` = ? AND (`a` NOT IN (?, ?) OR `b` IN (?)) AND `c` IS NULL",
                0L, "p", "q", 2L);
        assertSql("NOT a IN (1) OR b = 2", "NOT (`a` IN (?)) OR `b` = ?", 1L, 2L);
        assertSql("s IN ('in (', ')') AND `in` IN (1)", "`s` IN (?, ?) AND `in` IN (?)", "in (", ")", 1L);
    }

    @Test
    void parenthesizesInListsOutsideStringsAndComments()
    {
        assertEquals("(a IN (1)) OR b = 2", RowCondition.parenthesizeInLists("a IN (1) OR b = 2"));
        assertEquals("(`a` NOT IN (1, (2))) AND (b in (3))", RowCondition.parenthesizeInLists("`a` NOT IN (1, (2)) AND b in (3)"));
        assertEquals("(f(x) IN (1))", RowCondition.parenthesizeInLists("f(x) IN (1)"));
        assertEquals("s = 'a IN (1)' /* b IN (2) */", RowCondition.parenthesizeInLists("s = 'a IN (1)' /* b IN (2) */"));
        assertEquals("a IN (1", RowCondition.parenthesizeInLists("a IN (1"));
        assertEquals("s = 'x", RowCondition.parenthesizeInLists("s = 'x"));
    }

    @Test
    void readsLiteralsExactly()
    {
        assertSql("`weird col` = 'it''s'", "`weird col` = ?", "it's");
        assertSql("`a b` = ''", "`a b` = ?", "");
        assertSql("id = 18446744073709551615", "`id` = ?", new BigDecimal("18446744073709551615"));
        assertSql("id = -9223372036854775808", "`id` = ?", Long.MIN_VALUE);
        assertSql("price = 0.10", "`price` = ?", new BigDecimal("0.10"));
        assertSql("price = .5", "`price` = ?", new BigDecimal("0.5"));
        assertSql("name = 'naïve ? ok'", "`name` = ?", "naïve ? ok");
    }

    @Test
    void refusesWhatFerryCannotEvaluateNamingTheFragment()
    {
        assertRefused("created_at > NOW()", "functions are not supported: NOW() in \"created_at > NOW()\"");
        assertRefused("id IN (SELECT id FROM t)", "subqueries are not supported: (SELECT id FROM t) in \"id IN (SELECT id FROM t)\"");
        assertRefused("EXISTS (SELECT 1)", "subqueries are not supported: EXISTS (SELECT 1)");
        assertRefused("a = b", "comparing two columns is not supported, only a column with a literal: \"a = b\"");
        assertRefused("a = 1 + 2", "arithmetic is not supported: 1 + 2 in \"a = 1 + 2\"");
        assertRefused("a + 1 = 2", "arithmetic is not supported: a + 1 in \"a + 1 = 2\"");
        assertRefused("1 = 1", "a comparison needs a column on one side: \"1 = 1\"");
        assertRefused("a = 1e3", "floating-point literals are approximate and not supported; write the exact number: 1e3");
        assertRefused("t.a = 1", "qualified column names are not supported; write the bare column name: \"t.a\"");
        assertRefused("a = \"x\"", "double quotes are ambiguous (a string, or a name under ANSI_QUOTES): "
                + "write 'strings' in single quotes and `columns` in backquotes: \"x\"");
        assertRefused("a = 'C:\\dir'", "backslashes in strings are not supported (their meaning depends on the server's "
                + "NO_BACKSLASH_ESCAPES; write '' for a quote): 'C:\\dir'");
        assertRefused("a = _utf8'x'", "string prefixes such as _utf8'...' or N'...' are not supported: _utf8'x'");
        assertRefused("a", "\"a\" is not a condition: compare a column with a literal, e.g. tenant_id = 7");
        assertRefused("a = 1 XOR b = 2", "the operator XOR is not supported: a = 1 XOR b = 2");
        assertRefused("a LIKE 'x%'", "the operator LIKE is not supported: a LIKE 'x%'");
        assertRefused("(a, b) = (1, 2)", "row constructors such as (a, b) are not supported: \"(a, b)\"");
        assertRefused("a = ?", "placeholders are not supported; write the literal: ? in \"a = ?\"");
        assertRefused("a IN (1, b)", "comparing two columns is not supported, only a column with a literal: \"a IN (1, b)\"");
        assertRefused("", "is empty: write a condition such as \"tenant_id = 7\"");
    }

    @Test
    void refusesTextAfterTheCondition()
    {
        List<String> problems = new ArrayList<>();
        assertNull(RowCondition.parse("a = 1 garbage", problems));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(true, problems.get(0).startsWith("cannot be parsed as a SQL condition ("), problems.get(0));
        assertEquals(true, problems.get(0).endsWith("): \"a = 1 garbage\""), problems.get(0));

        problems.clear();
        assertNull(RowCondition.parse("a = --1", problems), "a comment must not hide the rest");
        assertEquals(1, problems.size(), problems.toString());
        // a trailing comment is what the server would ignore too; the SQL is re-printed without it
        assertSql("a = 1 -- the tenant", "`a` = ?", 1L);
    }

    @Test
    void reportsEveryUnsupportedPartAtOnce()
    {
        List<String> problems = new ArrayList<>();
        assertNull(RowCondition.parse("a = NOW() AND b = c", problems));
        assertEquals(List.of(
                "functions are not supported: NOW() in \"a = NOW()\"",
                "comparing two columns is not supported, only a column with a literal: \"b = c\""), problems);
    }

    @Test
    void namesTheColumnsItUses()
    {
        RowCondition condition = parse("tenant_id = 7 AND (deleted_at IS NULL OR `Status` IN ('a'))");
        assertEquals(java.util.Set.of("tenant_id", "deleted_at", "Status"), condition.columns());
        assertEquals("tenant_id = 7 AND (deleted_at IS NULL OR `Status` IN ('a'))", condition.text());
    }

    private static RowCondition parse(String text)
    {
        List<String> problems = new ArrayList<>();
        RowCondition condition = RowCondition.parse(text, problems);
        assertEquals(List.of(), problems, text);
        assertNotNull(condition, text);
        return condition;
    }

    private static void assertSql(String text, String sql, Object... parameters)
    {
        SqlPredicate predicate = parse(text).predicate();
        assertEquals(sql, predicate.sql(), text);
        assertEquals(Arrays.asList(parameters), predicate.parameters(), text);
    }

    private static void assertRefused(String text, String problem)
    {
        List<String> problems = new ArrayList<>();
        assertNull(RowCondition.parse(text, problems), text);
        assertEquals(List.of(problem), problems, text);
    }
}
