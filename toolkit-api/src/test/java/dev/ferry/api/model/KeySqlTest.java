package dev.ferry.api.model;

import dev.ferry.api.model.KeySql.Operator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeySqlTest
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
        assertEquals("`a`, `we``ird name`", KeySql.columnList(List.of(A, odd)));
        assertEquals("`a`, `we``ird name`", KeySql.of(List.of(A, odd)).columnList());
        assertEquals("`a`, `b`", KeySql.of(List.of(A, B)).orderBy(false));
        assertEquals("`a` DESC, `b` DESC", KeySql.of(List.of(A, B)).orderBy(true));
        assertEquals("`we``ird name` DESC", KeySql.of(List.of(odd)).orderBy(true));
    }

    @Test
    void keyLookupsUseInForOneColumnAndAnIndexFriendlyDisjunctionForMore()
    {
        assertEquals("`a` IN (?, ?, ?)", KeySql.of(List.of(A)).in(3));
        assertEquals("((`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?))", KeySql.of(List.of(A, B)).in(2));
        assertEquals("`a` NOT IN (?,?)", KeySql.of(List.of(A)).notIn(2));
        assertEquals("(`a`, `b`) NOT IN ((?,?),(?,?),(?,?))", KeySql.of(List.of(A, B)).notIn(3));
        assertThrows(IllegalArgumentException.class, () -> KeySql.of(List.of(A)).in(0));
        assertThrows(IllegalArgumentException.class, () -> KeySql.of(List.of()));
    }

    @Test
    void readsKeysFromRowBytesInTheirColumnsCharset()
    {
        Column unsigned = new Column("u", 0, ColumnType.BIGINT, "bigint(20) unsigned", true, false, null, null, false, List.of());
        Column latin = new Column("t", 1, ColumnType.VARCHAR, "varchar(10)", false, false, "latin1", "latin1_swedish_ci", false, List.of());
        Column bytes = new Column("b", 2, ColumnType.VARBINARY, "varbinary(4)", false, false, null, null, false, List.of());
        KeySql key = KeySql.of(List.of(unsigned, latin, bytes));
        Row row = Row.wrap(new byte[][] {{(byte) 0xe4}, "18446744073709551615".getBytes(StandardCharsets.US_ASCII), null, {(byte) 0x80, 0}});
        assertEquals(Key.of(new KeyValue.UnsignedInt(-1), new KeyValue.Text("\u00e4"), new KeyValue.Bytes(new byte[] {(byte) 0x80, 0})),
                key.keyOf(row, new int[] {1, 0, 3}));
        assertNull(key.keyOf(row, new int[] {1, 0, 2}), "a NULL key column gives no key");
    }

    @Test
    void aTextKeyInACharsetFerryCannotDecodeIsRejected()
    {
        Column odd = new Column("t", 0, ColumnType.VARCHAR, "varchar(10)", false, false, "armscii8", "armscii8_general_ci", false, List.of());
        assertThrows(IllegalArgumentException.class, () -> KeySql.of(List.of(odd)));
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
        KeySql.Condition sql = KeySql.of(columns).compare(operator);
        String text = sql.sql();
        int[] parts = parts(sql);
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
        KeySql.Condition sql = KeySql.of(columns).compare(operator);
        assertEquals(text, sql.sql());
        assertArrayEquals(parts, parts(sql), "parameter parts of " + text);
    }

    private static int[] parts(KeySql.Condition condition)
    {
        int[] parts = new int[condition.parameterCount()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = condition.part(i);
        }
        return parts;
    }

    private static Column column(String name, int ordinal)
    {
        return new Column(name, ordinal, ColumnType.INT, "int(11)", false, false, null, null, false, List.of());
    }
}
