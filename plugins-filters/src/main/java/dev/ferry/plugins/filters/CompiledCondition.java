package dev.ferry.plugins.filters;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A {@link RowCondition} bound to one table's columns, evaluated on row images with SQL's
 * three-valued logic: a comparison with NULL is UNKNOWN, {@code NOT UNKNOWN} is UNKNOWN,
 * {@code FALSE AND UNKNOWN} is FALSE, {@code TRUE OR UNKNOWN} is TRUE, and a row matches only
 * when the condition is TRUE, as in a WHERE clause.
 *
 * <p>Thread-safe: the evaluators hold no state apart from the caches of source lookups.
 */
final class CompiledCondition
{
    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int UNKNOWN = 2;

    /**
     * One node of the condition.
     */
    interface Evaluator
    {
        /**
         * {@link #TRUE}, {@link #FALSE} or {@link #UNKNOWN}.
         */
        int evaluate(Row row);
    }

    private final TableSchema table;
    private final Evaluator root;

    private CompiledCondition(TableSchema table, Evaluator root)
    {
        this.table = table;
        this.root = root;
    }

    /**
     * Binds a condition to a table, or returns null after adding a problem for every column that
     * is missing or cannot be compared with its literals.
     *
     * @param queries asks the source, for text columns under a non-binary collation
     * @param cacheSize capacity of each source lookup cache
     */
    static CompiledCondition compile(RowCondition condition, TableSchema table, CachedLookup.QueryFactory queries, int cacheSize, List<String> problems)
    {
        requireNonNull(condition, "condition is null");
        requireNonNull(table, "table is null");
        Set<String> found = new LinkedHashSet<>();
        Evaluator root = new Binder(table, queries, cacheSize, found).bind(condition.root());
        if (!found.isEmpty()) {
            problems.addAll(found);
            return null;
        }
        return new CompiledCondition(table, root);
    }

    /**
     * The table whose columns the condition was bound to.
     */
    TableSchema table()
    {
        return table;
    }

    /**
     * The same condition for another instance of a table with the same columns.
     */
    CompiledCondition withTable(TableSchema sameColumns)
    {
        return new CompiledCondition(sameColumns, root);
    }

    /**
     * Whether the condition is TRUE for a row image of the table (all columns, table order).
     */
    boolean matches(Row row)
    {
        return root.evaluate(row) == TRUE;
    }

    /**
     * The three-valued result for a row image.
     */
    int evaluate(Row row)
    {
        return root.evaluate(row);
    }

    static int not(int value)
    {
        return value == UNKNOWN ? UNKNOWN : TRUE - value;
    }

    private static final class Binder
    {
        private final TableSchema table;
        private final CachedLookup.QueryFactory queries;
        private final int cacheSize;
        private final Set<String> problems;

        Binder(TableSchema table, CachedLookup.QueryFactory queries, int cacheSize, Set<String> problems)
        {
            this.table = table;
            this.queries = queries;
            this.cacheSize = cacheSize;
            this.problems = problems;
        }

        Evaluator bind(RowCondition.Node node)
        {
            if (node instanceof RowCondition.And and) {
                return ConnectiveEvaluator.and(bind(and.left()), bind(and.right()));
            }
            if (node instanceof RowCondition.Or or) {
                return ConnectiveEvaluator.or(bind(or.left()), bind(or.right()));
            }
            if (node instanceof RowCondition.Not not) {
                return new NotEvaluator(bind(not.operand()));
            }
            if (node instanceof RowCondition.IsNull isNull) {
                int index = index(isNull.column());
                return new IsNullEvaluator(index, isNull.not());
            }
            if (node instanceof RowCondition.Comparison comparison) {
                RowCondition.Operator operator = comparison.operator();
                if (operator == RowCondition.Operator.EQUAL || operator == RowCondition.Operator.NOT_EQUAL) {
                    return membership(comparison.column(), List.of(comparison.literal()), operator == RowCondition.Operator.NOT_EQUAL);
                }
                return ordering(comparison.column(), operator, comparison.literal());
            }
            if (node instanceof RowCondition.In in) {
                return membership(in.column(), in.literals(), in.not());
            }
            RowCondition.Between between = (RowCondition.Between) node;
            // a BETWEEN b AND c is a >= b AND a <= c, NULLs included
            Evaluator range = ConnectiveEvaluator.and(
                    ordering(between.column(), RowCondition.Operator.GREATER_OR_EQUAL, between.low()),
                    ordering(between.column(), RowCondition.Operator.LESS_OR_EQUAL, between.high()));
            return between.not() ? new NotEvaluator(range) : range;
        }

        private Evaluator membership(String columnName, List<Literal> literals, boolean negated)
        {
            int index = index(columnName);
            List<Literal> values = new ArrayList<>();
            boolean hasNull = false;
            for (Literal literal : literals) {
                if (literal.type() == Literal.Type.NULL) {
                    hasNull = true;
                }
                else {
                    values.add(literal);
                }
            }
            ColumnValues.Membership membership = null;
            if (index >= 0 && !values.isEmpty()) {
                ColumnValues column = values(index);
                if (column != null) {
                    try {
                        membership = column.membership(values, queries, cacheSize);
                    }
                    catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
            return new MembershipEvaluator(index, membership, hasNull, negated);
        }

        private Evaluator ordering(String columnName, RowCondition.Operator operator, Literal literal)
        {
            int index = index(columnName);
            if (literal.type() == Literal.Type.NULL) {
                return row -> UNKNOWN;
            }
            ColumnValues.Ordering ordering = null;
            if (index >= 0) {
                ColumnValues column = values(index);
                if (column != null) {
                    try {
                        ordering = column.ordering(literal);
                    }
                    catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
            return new OrderingEvaluator(index, ordering, operator);
        }

        private int index(String columnName)
        {
            int index = table.columnIndex(columnName);
            if (index < 0) {
                problems.add("table " + table.name() + " has no column " + columnName + " (columns: " + columnNames() + ")");
            }
            return index;
        }

        private ColumnValues values(int index)
        {
            try {
                return ColumnValues.of(table.columns().get(index));
            }
            catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return null;
            }
        }

        private String columnNames()
        {
            StringBuilder names = new StringBuilder();
            List<Column> columns = table.columns();
            for (int i = 0; i < columns.size(); i++) {
                if (i == 12) {
                    names.append(", ...");
                    break;
                }
                names.append(i == 0 ? "" : ", ").append(columns.get(i).name());
            }
            return names.toString();
        }
    }

    /**
     * AND and OR under three-valued logic: {@code decisive} (FALSE for AND, TRUE for OR) on
     * either side decides, without evaluating the right side when the left has it; the result is
     * the other truth value only when both sides have it, else UNKNOWN.
     */
    private static final class ConnectiveEvaluator
            implements Evaluator
    {
        private final Evaluator left;
        private final Evaluator right;
        private final int decisive;
        private final int other;

        private ConnectiveEvaluator(Evaluator left, Evaluator right, int decisive)
        {
            this.left = left;
            this.right = right;
            this.decisive = decisive;
            this.other = decisive == FALSE ? TRUE : FALSE;
        }

        static Evaluator and(Evaluator left, Evaluator right)
        {
            return new ConnectiveEvaluator(left, right, FALSE);
        }

        static Evaluator or(Evaluator left, Evaluator right)
        {
            return new ConnectiveEvaluator(left, right, TRUE);
        }

        @Override
        public int evaluate(Row row)
        {
            int first = left.evaluate(row);
            if (first == decisive) {
                return decisive;
            }
            int second = right.evaluate(row);
            if (second == decisive) {
                return decisive;
            }
            return first == other && second == other ? other : UNKNOWN;
        }
    }

    private static final class NotEvaluator
            implements Evaluator
    {
        private final Evaluator operand;

        NotEvaluator(Evaluator operand)
        {
            this.operand = operand;
        }

        @Override
        public int evaluate(Row row)
        {
            return not(operand.evaluate(row));
        }
    }

    private static final class IsNullEvaluator
            implements Evaluator
    {
        private final int index;
        private final boolean not;

        IsNullEvaluator(int index, boolean not)
        {
            this.index = index;
            this.not = not;
        }

        @Override
        public int evaluate(Row row)
        {
            return row.isNull(index) != not ? TRUE : FALSE;
        }
    }

    /**
     * {@code =}, {@code <>}, {@code IN} and {@code NOT IN}: a value in the list is TRUE; otherwise
     * a NULL in the list makes it UNKNOWN (x IN (1, NULL) might be x = NULL).
     */
    private static final class MembershipEvaluator
            implements Evaluator
    {
        private final int index;
        private final ColumnValues.Membership membership;
        private final boolean hasNull;
        private final boolean negated;

        MembershipEvaluator(int index, ColumnValues.Membership membership, boolean hasNull, boolean negated)
        {
            this.index = index;
            this.membership = membership;
            this.hasNull = hasNull;
            this.negated = negated;
        }

        @Override
        public int evaluate(Row row)
        {
            byte[] value = row.get(index);
            if (value == null) {
                return UNKNOWN;
            }
            int result;
            if (membership != null && membership.contains(value)) {
                result = TRUE;
            }
            else {
                result = hasNull ? UNKNOWN : FALSE;
            }
            return negated ? not(result) : result;
        }
    }

    private static final class OrderingEvaluator
            implements Evaluator
    {
        private final int index;
        private final ColumnValues.Ordering ordering;
        private final RowCondition.Operator operator;

        OrderingEvaluator(int index, ColumnValues.Ordering ordering, RowCondition.Operator operator)
        {
            this.index = index;
            this.ordering = ordering;
            this.operator = operator;
        }

        @Override
        public int evaluate(Row row)
        {
            byte[] value = row.get(index);
            if (value == null) {
                return UNKNOWN;
            }
            int order = ordering.compare(value);
            boolean result;
            switch (operator) {
                case LESS:
                    result = order < 0;
                    break;
                case LESS_OR_EQUAL:
                    result = order <= 0;
                    break;
                case GREATER:
                    result = order > 0;
                    break;
                default:
                    result = order >= 0;
                    break;
            }
            return result ? TRUE : FALSE;
        }
    }
}
