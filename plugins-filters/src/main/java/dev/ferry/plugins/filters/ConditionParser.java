package dev.ferry.plugins.filters;

import dev.ferry.plugins.filters.RowCondition.And;
import dev.ferry.plugins.filters.RowCondition.Between;
import dev.ferry.plugins.filters.RowCondition.Comparison;
import dev.ferry.plugins.filters.RowCondition.In;
import dev.ferry.plugins.filters.RowCondition.IsNull;
import dev.ferry.plugins.filters.RowCondition.Node;
import dev.ferry.plugins.filters.RowCondition.Not;
import dev.ferry.plugins.filters.RowCondition.Operator;
import dev.ferry.plugins.filters.RowCondition.Or;
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
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Select;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns JSQLParser's tree into {@link Node}s, recording every unsupported fragment.
 */
final class ConditionParser
{
    private final List<String> problems;

    ConditionParser(List<String> problems)
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
