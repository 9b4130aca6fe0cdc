package dev.ferry.plugins.filters;

import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.TableName;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Select;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
        Node root = new Parser(problems).condition(expression);
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

    /**
     * Turns JSQLParser's tree into {@link Node}s, recording every unsupported fragment.
     */
    private static final class Parser
    {
        private final List<String> problems;

        Parser(List<String> problems)
        {
            this.problems = problems;
        }

        Node condition(Expression expression)
        {
            Expression e = unwrap(expression);
            if (e == null) {
                return null;
            }
            if (e instanceof AndExpression and) {
                Node left = condition(and.getLeftExpression());
                Node right = condition(and.getRightExpression());
                return left == null || right == null ? null : new And(left, right);
            }
            if (e instanceof OrExpression or) {
                Node left = condition(or.getLeftExpression());
                Node right = condition(or.getRightExpression());
                return left == null || right == null ? null : new Or(left, right);
            }
            if (e instanceof NotExpression not) {
                Node operand = condition(not.getExpression());
                return operand == null ? null : new Not(operand);
            }
            Operator operator = operator(e);
            if (operator != null) {
                return comparison((BinaryExpression) e, operator);
            }
            if (e instanceof InExpression in) {
                return in(in);
            }
            if (e instanceof net.sf.jsqlparser.expression.operators.relational.Between between) {
                String column = column(between.getLeftExpression(), between);
                Literal low = literal(between.getBetweenExpressionStart(), between);
                Literal high = literal(between.getBetweenExpressionEnd(), between);
                return column == null || low == null || high == null ? null : new Between(column, low, high, between.isNot());
            }
            if (e instanceof IsNullExpression isNull) {
                String column = column(isNull.getLeftExpression(), isNull);
                return column == null ? null : new IsNull(column, isNull.isNot() || isNull.isUseNotNull());
            }
            if (e instanceof Column || e instanceof LongValue || e instanceof StringValue || e instanceof NullValue) {
                problems.add("\"" + e + "\" is not a condition: compare a column with a literal, e.g. tenant_id = 7");
                return null;
            }
            unsupported(e, e);
            return null;
        }

        private Node comparison(BinaryExpression e, Operator operator)
        {
            Expression left = unwrap(e.getLeftExpression());
            Expression right = left == null ? null : unwrap(e.getRightExpression());
            if (left == null || right == null) {
                return null;
            }
            if (left instanceof Column && right instanceof Column) {
                if (isDoubleQuoted(left) || isDoubleQuoted(right)) {
                    // "x" is a string to MySQL but a name to the parser: report the quotes
                    column(isDoubleQuoted(left) ? left : right, e);
                }
                else {
                    problems.add("comparing two columns is not supported, only a column with a literal: \"" + e + "\"");
                }
                return null;
            }
            if (left instanceof Column) {
                String column = column(left, e);
                Literal literal = literal(right, e);
                return column == null || literal == null ? null : new Comparison(column, operator, literal);
            }
            if (right instanceof Column) {
                Literal literal = literal(left, e);
                String column = column(right, e);
                return column == null || literal == null ? null : new Comparison(column, operator.flipped(), literal);
            }
            if (isLiteral(left) && isLiteral(right)) {
                problems.add("a comparison needs a column on one side: \"" + e + "\"");
                return null;
            }
            // report what makes it unsupported (a function, arithmetic, ...)
            if (!isLiteral(left)) {
                unsupported(left, e);
            }
            if (!isLiteral(right)) {
                unsupported(right, e);
            }
            return null;
        }

        private Node in(InExpression in)
        {
            String column = column(in.getLeftExpression(), in);
            Expression right = in.getRightExpression();
            if (!(right instanceof ExpressionList<?> list)) {
                unsupported(right, in);
                return null;
            }
            List<Literal> literals = new ArrayList<>();
            boolean failed = column == null;
            for (Object item : list) {
                Literal literal = literal((Expression) item, in);
                if (literal == null) {
                    failed = true;
                }
                literals.add(literal);
            }
            if (literals.isEmpty()) {
                problems.add("IN needs at least one literal: \"" + in + "\"");
                return null;
            }
            return failed ? null : new In(column, literals, in.isNot());
        }

        private static Operator operator(Expression e)
        {
            Class<?> type = e.getClass();
            if (type == EqualsTo.class) {
                return Operator.EQUAL;
            }
            if (type == NotEqualsTo.class) {
                return Operator.NOT_EQUAL;
            }
            if (type == MinorThan.class) {
                return Operator.LESS;
            }
            if (type == MinorThanEquals.class) {
                return Operator.LESS_OR_EQUAL;
            }
            if (type == GreaterThan.class) {
                return Operator.GREATER;
            }
            if (type == GreaterThanEquals.class) {
                return Operator.GREATER_OR_EQUAL;
            }
            return null;
        }

        /**
         * The expression inside redundant parentheses; null (with a problem) for a row constructor.
         */
        private Expression unwrap(Expression expression)
        {
            Expression e = expression;
            while (true) {
                if (e instanceof ParenthesedExpressionList<?> list) {
                    if (list.size() != 1) {
                        problems.add("row constructors such as (a, b) are not supported: \"" + e + "\"");
                        return null;
                    }
                    e = (Expression) list.get(0);
                }
                else {
                    return e;
                }
            }
        }

        private String column(Expression expression, Expression context)
        {
            Expression e = unwrap(expression);
            if (e == null) {
                return null;
            }
            if (!(e instanceof Column column)) {
                if (isLiteral(e)) {
                    problems.add("expected a column, got the literal " + e + ": \"" + context + "\"");
                }
                else {
                    unsupported(e, context);
                }
                return null;
            }
            if (column.getTable() != null && column.getTable().getName() != null) {
                problems.add("qualified column names are not supported; write the bare column name: \"" + column + "\"");
                return null;
            }
            String name = column.getColumnName();
            if (name.startsWith("\"")) {
                problems.add("double quotes are ambiguous (a string, or a name under ANSI_QUOTES): write 'strings' in single quotes and `columns` in backquotes: " + name);
                return null;
            }
            if (name.length() >= 2 && name.startsWith("`") && name.endsWith("`")) {
                name = name.substring(1, name.length() - 1).replace("``", "`");
            }
            if (name.indexOf('?') >= 0) {
                problems.add("column names containing ? are not supported: " + column);
                return null;
            }
            return name;
        }

        private static boolean isDoubleQuoted(Expression e)
        {
            return e instanceof Column column && column.getColumnName().startsWith("\"");
        }

        private static boolean isLiteral(Expression e)
        {
            return e instanceof LongValue || e instanceof DoubleValue || e instanceof StringValue || e instanceof NullValue
                    || e instanceof SignedExpression signed && (signed.getExpression() instanceof LongValue || signed.getExpression() instanceof DoubleValue);
        }

        private Literal literal(Expression expression, Expression context)
        {
            Expression e = unwrap(expression);
            if (e == null) {
                return null;
            }
            if (e instanceof NullValue) {
                return Literal.NULL;
            }
            if (e instanceof StringValue string) {
                if (string.getPrefix() != null) {
                    problems.add("string prefixes such as _utf8'...' or N'...' are not supported: " + string);
                    return null;
                }
                if (string.getValue().indexOf('\\') >= 0) {
                    problems.add("backslashes in strings are not supported (their meaning depends on the server's NO_BACKSLASH_ESCAPES; write '' for a quote): " + string);
                    return null;
                }
                return Literal.string(string.getNotExcapedValue());
            }
            boolean negative = false;
            Expression number = e;
            if (e instanceof SignedExpression signed && (signed.getSign() == '-' || signed.getSign() == '+')) {
                negative = signed.getSign() == '-';
                number = signed.getExpression();
            }
            if (number instanceof LongValue || number instanceof DoubleValue) {
                String digits = number instanceof LongValue longValue ? longValue.getStringValue() : number.toString();
                if (digits.indexOf('e') >= 0 || digits.indexOf('E') >= 0) {
                    problems.add("floating-point literals are approximate and not supported; write the exact number: " + e);
                    return null;
                }
                BigDecimal value;
                try {
                    value = new BigDecimal(digits);
                }
                catch (NumberFormatException ex) {
                    problems.add("not a number: " + e);
                    return null;
                }
                return Literal.number(negative ? value.negate() : value, e.toString());
            }
            if (e instanceof Column) {
                problems.add("comparing two columns is not supported, only a column with a literal: \"" + context + "\"");
                return null;
            }
            unsupported(e, context);
            return null;
        }

        private void unsupported(Expression e, Expression context)
        {
            String reason;
            if (e instanceof Function) {
                reason = "functions are not supported";
            }
            else if (e instanceof Select || e instanceof ExistsExpression) {
                reason = "subqueries are not supported";
            }
            else if (e instanceof BinaryExpression binary) {
                String operator = binary.getStringExpression().strip().toUpperCase(Locale.ROOT);
                reason = (operator.matches("[-+*/%]|DIV|MOD") ? "arithmetic" : "the operator " + operator) + " is not supported";
            }
            else if (e instanceof JdbcParameter || e instanceof JdbcNamedParameter) {
                reason = "placeholders are not supported; write the literal";
            }
            else if (e instanceof SignedExpression) {
                reason = "only a number may carry a sign";
            }
            else {
                reason = simpleName(e) + " is not supported";
            }
            String fragment = e.toString();
            String whole = context.toString();
            problems.add(reason + ": " + fragment + (whole.equals(fragment) ? "" : " in \"" + whole + "\""));
        }

        private static String simpleName(Expression e)
        {
            // e.g. LikeExpression -> "LIKE", HexValue -> "hex value"
            String name = e.getClass().getSimpleName().replaceAll("(Expression|Value)$", "");
            return name.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
        }
    }
}
