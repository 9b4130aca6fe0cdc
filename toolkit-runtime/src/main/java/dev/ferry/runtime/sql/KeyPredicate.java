package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds key comparisons for pagination. A composite comparison {@code (a, b) > (x, y)} is
 * expanded to {@code a >= x AND (a > x OR (a = x AND b > y))}: the same ordering as a SQL row
 * comparison, written so that both MySQL's and MariaDB's range optimizers use the key's index
 * (MariaDB does not range-scan on row constructors).
 */
public final class KeyPredicate
{
    /**
     * The SQL text and, for each {@code ?} in order, which key part it takes.
     */
    public record Sql(String text, int[] parts) {}

    public enum Operator
    {
        GREATER(">", ">="),
        GREATER_OR_EQUAL(">", ">="),
        LESS("<", "<="),
        LESS_OR_EQUAL("<", "<=");

        private final String strict;
        private final String inclusive;

        Operator(String strict, String inclusive)
        {
            this.strict = strict;
            this.inclusive = inclusive;
        }
    }

    private KeyPredicate() {}

    public static Sql compare(List<Column> columns, Operator operator)
    {
        int n = columns.size();
        boolean inclusiveLast = operator == Operator.GREATER_OR_EQUAL || operator == Operator.LESS_OR_EQUAL;
        StringBuilder text = new StringBuilder();
        List<Integer> parts = new ArrayList<>();
        if (n == 1) {
            text.append(columns.get(0).quotedName()).append(' ').append(inclusiveLast ? operator.inclusive : operator.strict).append(" ?");
            return new Sql(text.toString(), new int[] {0});
        }
        text.append('(').append(columns.get(0).quotedName()).append(' ').append(operator.inclusive).append(" ? AND (");
        parts.add(0);
        for (int term = 0; term < n; term++) {
            if (term > 0) {
                text.append(" OR ");
            }
            text.append('(');
            for (int eq = 0; eq < term; eq++) {
                text.append(columns.get(eq).quotedName()).append(" = ? AND ");
                parts.add(eq);
            }
            boolean last = term == n - 1;
            text.append(columns.get(term).quotedName()).append(' ').append(last && inclusiveLast ? operator.inclusive : operator.strict).append(" ?)");
            parts.add(term);
        }
        text.append("))");
        int[] result = new int[parts.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = parts.get(i);
        }
        return new Sql(text.toString(), result);
    }

    /**
     * {@code a, b} or {@code a DESC, b DESC}.
     */
    public static String orderBy(List<Column> columns, boolean descending)
    {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(columns.get(i).quotedName());
            if (descending) {
                text.append(" DESC");
            }
        }
        return text.toString();
    }

    /**
     * The column list of a copy {@code SELECT}: {@link #columnList}, except that FLOAT columns are
     * read as DOUBLE. The text protocol renders a FLOAT with six significant digits (1.0000001
     * comes back as {@code 1}, 16777215 as {@code 16777200}); the DOUBLE text of the same value is
     * exact, and the target stores it back into its FLOAT column unchanged.
     */
    public static String selectList(List<Column> columns)
    {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            Column column = columns.get(i);
            if (column.type() == ColumnType.FLOAT) {
                text.append("CAST(").append(column.quotedName()).append(" AS DOUBLE)");
            }
            else {
                text.append(column.quotedName());
            }
        }
        return text.toString();
    }

    /**
     * {@code `a`, `b`}.
     */
    public static String columnList(List<Column> columns)
    {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(columns.get(i).quotedName());
        }
        return text.toString();
    }
}
