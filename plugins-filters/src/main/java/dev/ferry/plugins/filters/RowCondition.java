package dev.ferry.plugins.filters;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.TableName;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A row condition in the subset of SQL that ferry evaluates on binlog row images exactly as the
 * server evaluates it in the copy SELECT: comparisons ({@code = <> != < <= > >=}) between a column
 * and a literal (either side), {@code [NOT] IN (literal, ...)}, {@code [NOT] BETWEEN literal AND
 * literal}, {@code IS [NOT] NULL}, combined with {@code AND}, {@code OR}, {@code NOT} and
 * parentheses. Literals are integers, exact decimals, single-quoted strings ({@code ''} for a
 * quote) and NULL. Functions, subqueries, arithmetic, column-to-column comparisons, floating-point
 * literals ({@code 1e3}), string prefixes ({@code _utf8'x'}) and backslashes in strings (whose
 * meaning depends on the server's sql_mode) are refused.
 *
 * <p>Immutable and thread-safe.
 */
final class RowCondition
{
    enum Operator
    {
        EQUAL("="), NOT_EQUAL("<>"), LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">=");

        private final String sql;

        Operator(String sql)
        {
            this.sql = sql;
        }

        String sql()
        {
            return sql;
        }

        /**
         * The operator with its operands swapped: {@code 7 < a} is {@code a > 7}.
         */
        Operator flipped()
        {
            switch (this) {
                case LESS:
                    return GREATER;
                case LESS_OR_EQUAL:
                    return GREATER_OR_EQUAL;
                case GREATER:
                    return LESS;
                case GREATER_OR_EQUAL:
                    return LESS_OR_EQUAL;
                default:
                    return this;
            }
        }
    }

    sealed interface Node
            permits And, Or, Not, Comparison, In, Between, IsNull {}

    record And(Node left, Node right)
            implements Node {}

    record Or(Node left, Node right)
            implements Node {}

    record Not(Node operand)
            implements Node {}

    record Comparison(String column, Operator operator, Literal literal)
            implements Node {}

    record In(String column, List<Literal> literals, boolean not)
            implements Node
    {
        In
        {
            literals = List.copyOf(literals);
            if (literals.isEmpty()) {
                throw new IllegalArgumentException("IN needs at least one literal");
            }
        }
    }

    record Between(String column, Literal low, Literal high, boolean not)
            implements Node {}

    record IsNull(String column, boolean not)
            implements Node {}

    private final Node root;
    private final String text;
    private final SqlPredicate predicate;
    private final Set<String> columns;

    private RowCondition(Node root, String text)
    {
        this.root = requireNonNull(root, "root is null");
        this.text = requireNonNull(text, "text is null");
        StringBuilder sql = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        print(root, sql, parameters, names);
        this.predicate = new SqlPredicate(sql.toString(), parameters);
        this.columns = Set.copyOf(names);
    }

    /**
     * A condition built by ferry rather than parsed.
     */
    static RowCondition of(Node root)
    {
        return new RowCondition(root, "");
    }

    /**
     * Parses a condition, or returns null after adding to {@code problems} every unsupported
     * part (the reason and the fragment).
     */
    static RowCondition parse(String text, List<String> problems)
    {
        requireNonNull(text, "text is null");
        if (text.isBlank()) {
            problems.add("is empty: write a condition such as \"tenant_id = 7\"");
            return null;
        }
        Expression expression;
        try {
            expression = CCJSqlParserUtil.parseCondExpression(parenthesizeInLists(text), false);
        }
        catch (JSQLParserException | RuntimeException e) {
            problems.add("cannot be parsed as a SQL condition (" + firstLine(e) + "): \"" + text + "\"");
            return null;
        }
        int before = problems.size();
        Node root = new ConditionParser(problems).condition(expression);
        if (root == null || problems.size() > before) {
            return null;
        }
        return new RowCondition(root, text);
    }

    Node root()
    {
        return root;
    }

    /**
     * The condition as written in the config, or empty for one built by ferry.
     */
    String text()
    {
        return text;
    }

    /**
     * The condition as SQL with every literal a {@code ?} placeholder and column names quoted.
     */
    SqlPredicate predicate()
    {
        return predicate;
    }

    /**
     * The column names the condition refers to, as written.
     */
    Set<String> columns()
    {
        return columns;
    }

    private static void print(Node node, StringBuilder sql, List<Object> parameters, Set<String> columns)
    {
        if (node instanceof And and) {
            printOperand(and.left(), sql, parameters, columns, and.left() instanceof Or);
            sql.append(" AND ");
            printOperand(and.right(), sql, parameters, columns, and.right() instanceof Or);
        }
        else if (node instanceof Or or) {
            print(or.left(), sql, parameters, columns);
            sql.append(" OR ");
            print(or.right(), sql, parameters, columns);
        }
        else if (node instanceof Not not) {
            sql.append("NOT ");
            printOperand(not.operand(), sql, parameters, columns, true);
        }
        else if (node instanceof Comparison comparison) {
            column(comparison.column(), sql, columns);
            sql.append(' ').append(comparison.operator().sql()).append(' ');
            literal(comparison.literal(), sql, parameters);
        }
        else if (node instanceof In in) {
            column(in.column(), sql, columns);
            sql.append(in.not() ? " NOT IN (" : " IN (");
            for (int i = 0; i < in.literals().size(); i++) {
                if (i > 0) {
                    sql.append(", ");
                }
                literal(in.literals().get(i), sql, parameters);
            }
            sql.append(')');
        }
        else if (node instanceof Between between) {
            column(between.column(), sql, columns);
            sql.append(between.not() ? " NOT BETWEEN " : " BETWEEN ");
            literal(between.low(), sql, parameters);
            sql.append(" AND ");
            literal(between.high(), sql, parameters);
        }
        else if (node instanceof IsNull isNull) {
            column(isNull.column(), sql, columns);
            sql.append(isNull.not() ? " IS NOT NULL" : " IS NULL");
        }
    }

    private static void printOperand(Node node, StringBuilder sql, List<Object> parameters, Set<String> columns, boolean parenthesize)
    {
        if (parenthesize) {
            sql.append('(');
        }
        print(node, sql, parameters, columns);
        if (parenthesize) {
            sql.append(')');
        }
    }

    private static void column(String name, StringBuilder sql, Set<String> columns)
    {
        columns.add(name);
        sql.append(TableName.quoteIdentifier(name));
    }

    private static void literal(Literal literal, StringBuilder sql, List<Object> parameters)
    {
        sql.append('?');
        parameters.add(literal.parameter());
    }

    /**
     * Puts parentheses around every {@code x [NOT] IN (...)}: JSQLParser 5.3 parses
     * {@code a IN (1) OR b = 2} as {@code a IN ((1) OR b = 2)} (JSqlParser issue 2244, fixed after
     * 5.3) but {@code (a IN (1)) OR b = 2} correctly. The parentheses change nothing in SQL, where
     * IN binds tighter than NOT, AND, XOR and OR. Text that is not balanced is returned unchanged
     * for the parser to report.
     */
    static String parenthesizeInLists(String text)
    {
        List<int[]> tokens = tokens(text);
        if (tokens == null) {
            return text;
        }
        // opening and closing parentheses to insert, by offset
        java.util.TreeMap<Integer, int[]> inserts = new java.util.TreeMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            int[] token = tokens.get(i);
            if (!word(text, token, "IN") || i + 1 >= tokens.size() || text.charAt(tokens.get(i + 1)[0]) != '(') {
                continue;
            }
            int close = matching(text, tokens, i + 1, 1);
            int operand = i - 1;
            if (operand >= 0 && word(text, tokens.get(operand), "NOT")) {
                operand--;
            }
            if (operand < 0 || close < 0) {
                continue;
            }
            if (text.charAt(tokens.get(operand)[0]) == ')') {
                operand = matching(text, tokens, operand, -1);
                if (operand < 0) {
                    continue;
                }
                if (operand > 0 && Character.isLetter(text.charAt(tokens.get(operand - 1)[0]))) {
                    operand--;
                }
            }
            inserts.computeIfAbsent(tokens.get(operand)[0], ignored -> new int[2])[0]++;
            inserts.computeIfAbsent(tokens.get(close)[1], ignored -> new int[2])[1]++;
        }
        if (inserts.isEmpty()) {
            return text;
        }
        StringBuilder result = new StringBuilder(text.length() + 2 * inserts.size());
        int position = 0;
        for (java.util.Map.Entry<Integer, int[]> insert : inserts.entrySet()) {
            result.append(text, position, insert.getKey());
            result.append(")".repeat(insert.getValue()[1])).append("(".repeat(insert.getValue()[0]));
            position = insert.getKey();
        }
        return result.append(text, position, text.length()).toString();
    }

    /**
     * Start and end offsets of the tokens that matter for {@link #parenthesizeInLists}: words,
     * quoted strings and names, and single punctuation characters; comments are skipped. Null
     * for an unterminated quote or comment.
     */
    private static List<int[]> tokens(String text)
    {
        List<int[]> tokens = new ArrayList<>();
        int i = 0;
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            }
            else if (c == '#' || c == '-' && text.startsWith("-- ", i) || c == '-' && i + 2 == length && text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            }
            else if (c == '/' && text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    return null;
                }
                i = end + 2;
            }
            else if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (true) {
                    if (end >= length) {
                        return null;
                    }
                    char d = text.charAt(end);
                    if (d == '\\' && c != '`') {
                        end += 2;
                    }
                    else if (d == c && end + 1 < length && text.charAt(end + 1) == c) {
                        end += 2;
                    }
                    else if (d == c) {
                        break;
                    }
                    else {
                        end++;
                    }
                }
                tokens.add(new int[] {i, end + 1});
                i = end + 1;
            }
            else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.') {
                int end = i + 1;
                while (end < length && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_' || text.charAt(end) == '$'
                        || text.charAt(end) == '.')) {
                    end++;
                }
                tokens.add(new int[] {i, end});
                i = end;
            }
            else {
                tokens.add(new int[] {i, i + 1});
                i++;
            }
        }
        return tokens;
    }

    private static boolean word(String text, int[] token, String word)
    {
        return token[1] - token[0] == word.length() && text.regionMatches(true, token[0], word, 0, word.length());
    }

    /**
     * The index of the parenthesis matching the one at {@code from}, searching forward
     * ({@code direction} 1) or backward (-1); -1 when unbalanced.
     */
    private static int matching(String text, List<int[]> tokens, int from, int direction)
    {
        int depth = 0;
        for (int i = from; i >= 0 && i < tokens.size(); i += direction) {
            char c = text.charAt(tokens.get(i)[0]);
            if (tokens.get(i)[1] - tokens.get(i)[0] != 1) {
                continue;
            }
            if (c == '(') {
                depth += direction;
            }
            else if (c == ')') {
                depth -= direction;
            }
            if (depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String firstLine(Exception e)
    {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    @Override
    public boolean equals(Object o)
    {
        return o instanceof RowCondition other && root.equals(other.root) && text.equals(other.text);
    }

    @Override
    public int hashCode()
    {
        return root.hashCode();
    }

    @Override
    public String toString()
    {
        return text.isEmpty() ? predicate.sql() : text;
    }
}
