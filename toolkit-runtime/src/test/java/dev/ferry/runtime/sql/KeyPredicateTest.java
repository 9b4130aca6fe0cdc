package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.runtime.sql.KeyPredicate.Operator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KeyPredicateTest
{
    private static final Column A = column("a", 0);
    private static final Column B = column("b", 1);
    private static final Column C = column("c", 2);

    @Test
    void singleColumnUsesThePlainOperator()
    {
        assertPredicate(List.of(A), Operator.GREATER, "`a` > ?", 0);
        assertPredicate(List.of(A), Operator.GREATER_OR_EQUAL, "`a` >= ?", 0);
        assertPredicate(List.of(A), Operator.LESS, "`a` < ?", 0);
        assertPredicate(List.of(A), Operator.LESS_OR_EQUAL, "`a` <= ?", 0);
    }

    @Test
    void twoColumnsExpandToAnIndexFriendlyDisjunction()
    {
        assertPredicate(List.of(A, B), Operator.GREATER,
                "(`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` > ?)))", 0, 0, 0, 1);
        assertPredicate(List.of(A, B), Operator.GREATER_OR_EQUAL,
                "(`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` >= ?)))", 0, 0, 0, 1);
        assertPredicate(List.of(A, B), Operator.LESS,
                "(`a` <= ? AND ((`a` < ?) OR (`a` = ? AND `b` < ?)))", 0, 0, 0, 1);
        assertPredicate(List.of(A, B), Operator.LESS_OR_EQUAL,
                "(`a` <= ? AND ((`a` < ?) OR (`a` = ? AND `b` <= ?)))", 0, 0, 0, 1);
    }

    @Test
    void threeColumnsOnlyTheLastTermIsInclusive()
    {
        assertPredicate(List.of(A, B, C), Operator.GREATER,
                "(`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` > ?)))",
                0, 0, 0, 1, 0, 1, 2);
        assertPredicate(List.of(A, B, C), Operator.GREATER_OR_EQUAL,
                "(`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` >= ?)))",
                0, 0, 0, 1, 0, 1, 2);
        assertPredicate(List.of(A, B, C), Operator.LESS,
                "(`a` <= ? AND ((`a` < ?) OR (`a` = ? AND `b` < ?) OR (`a` = ? AND `b` = ? AND `c` < ?)))",
                0, 0, 0, 1, 0, 1, 2);
        assertPredicate(List.of(A, B, C), Operator.LESS_OR_EQUAL,
                "(`a` <= ? AND ((`a` < ?) OR (`a` = ? AND `b` < ?) OR (`a` = ? AND `b` = ? AND `c` <= ?)))",
                0, 0, 0, 1, 0, 1, 2);
    }

    /**
     * The expansion must order tuples exactly like SQL's row comparison; checked here by
     * evaluating it over every pair of small tuples.
     */
    @Test
    void expansionMatchesLexicographicOrder()
    {
        int[][] tuples = new int[27][];
        for (int i = 0; i < tuples.length; i++) {
            tuples[i] = new int[] {i / 9, i / 3 % 3, i % 3};
        }
        for (int width = 1; width <= 3; width++) {
            for (Operator operator : Operator.values()) {
                for (int[] row : tuples) {
                    for (int[] bound : tuples) {
                        int order = compare(row, bound, width);
                        boolean expected = switch (operator) {
                            case GREATER -> order > 0;
                            case GREATER_OR_EQUAL -> order >= 0;
                            case LESS -> order < 0;
                            case LESS_OR_EQUAL -> order <= 0;
                        };
                        if (evaluate(width, operator, row, bound) != expected) {
                            throw new AssertionError(operator + " on " + width + " columns: row " + Arrays.toString(row)
                                    + " vs bound " + Arrays.toString(bound) + " should be " + expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void orderByAndColumnListQuoteNames()
    {
        Column odd = column("we`ird name", 3);
        assertEquals("`a`, `we``ird name`", KeyPredicate.columnList(List.of(A, odd)));
        assertEquals("`a`, `b`", KeyPredicate.orderBy(List.of(A, B), false));
        assertEquals("`a` DESC, `b` DESC", KeyPredicate.orderBy(List.of(A, B), true));
        assertEquals("`we``ird name` DESC", KeyPredicate.orderBy(List.of(odd), true));
    }

    @Test
    void selectListReadsFloatAsDouble()
    {
        Column single = new Column("f", 3, ColumnType.FLOAT, "float", false, true, null, null, false, List.of());
        Column dbl = new Column("d", 4, ColumnType.DOUBLE, "double", false, true, null, null, false, List.of());
        assertEquals("`a`, CAST(`f` AS DOUBLE), `d`", KeyPredicate.selectList(List.of(A, single, dbl)));
        assertEquals("`a`, `b`", KeyPredicate.selectList(List.of(A, B)));
    }

    private static int compare(int[] left, int[] right, int width)
    {
        for (int i = 0; i < width; i++) {
            if (left[i] != right[i]) {
                return Integer.compare(left[i], right[i]);
            }
        }
        return 0;
    }

    /**
     * Evaluates the generated SQL for integer tuples: parses the fixed shape the builder emits.
     */
    private static boolean evaluate(int width, Operator operator, int[] row, int[] bound)
    {
        List<Column> columns = List.of(A, B, C).subList(0, width);
        KeyPredicate.Sql sql = KeyPredicate.compare(columns, operator);
        String text = sql.text();
        int[] parts = sql.parts();
        // replace each "?" by the bound value of its part, then each column name by the row value
        StringBuilder bound2 = new StringBuilder();
        int parameter = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bound2.append(c == '?' ? Integer.toString(bound[parts[parameter++]]) : String.valueOf(c));
        }
        assertEquals(parts.length, parameter, "one part per parameter");
        String expression = bound2.toString().replace("`a`", Integer.toString(row[0]));
        if (width > 1) {
            expression = expression.replace("`b`", Integer.toString(row[1]));
        }
        if (width > 2) {
            expression = expression.replace("`c`", Integer.toString(row[2]));
        }
        return new Evaluator(expression).parse();
    }

    /**
     * A recursive-descent evaluator for {@code AND}, {@code OR}, parentheses and integer
     * comparisons.
     */
    private static final class Evaluator
    {
        private final String text;
        private int position;

        Evaluator(String text)
        {
            this.text = text;
        }

        boolean parse()
        {
            boolean value = or();
            skipSpaces();
            assertEquals(text.length(), position, () -> "trailing text in " + text);
            return value;
        }

        private boolean or()
        {
            boolean value = and();
            while (accept("OR")) {
                value |= and();
            }
            return value;
        }

        private boolean and()
        {
            boolean value = primary();
            while (accept("AND")) {
                value &= primary();
            }
            return value;
        }

        private boolean primary()
        {
            if (accept("(")) {
                boolean value = or();
                assertEquals(true, accept(")"), () -> "missing ) in " + text);
                return value;
            }
            int left = number();
            String operator = accept(">=") ? ">=" : accept("<=") ? "<=" : accept(">") ? ">" : accept("<") ? "<" : accept("=") ? "=" : null;
            if (operator == null) {
                throw new AssertionError("no operator at " + position + " in " + text);
            }
            int right = number();
            return switch (operator) {
                case ">=" -> left >= right;
                case "<=" -> left <= right;
                case ">" -> left > right;
                case "<" -> left < right;
                default -> left == right;
            };
        }

        private int number()
        {
            skipSpaces();
            int start = position;
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            return Integer.parseInt(text.substring(start, position));
        }

        private boolean accept(String token)
        {
            skipSpaces();
            if (text.startsWith(token, position)) {
                position += token.length();
                return true;
            }
            return false;
        }

        private void skipSpaces()
        {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }
    }

    private static void assertPredicate(List<Column> columns, Operator operator, String text, int... parts)
    {
        KeyPredicate.Sql sql = KeyPredicate.compare(columns, operator);
        assertEquals(text, sql.text());
        assertArrayEquals(parts, sql.parts(), "parameter parts of " + text);
    }

    private static Column column(String name, int ordinal)
    {
        return new Column(name, ordinal, ColumnType.INT, "int(11)", false, false, null, null, false, List.of());
    }
}
