package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;

import java.util.List;

/**
 * The column list of a copy {@code SELECT}: the quoted names, except that FLOAT columns are read
 * as DOUBLE. The text protocol renders a FLOAT with six significant digits (1.0000001 comes back
 * as {@code 1}, 16777215 as {@code 16777200}); the DOUBLE text of the same value is exact, and the
 * target stores it back into its FLOAT column unchanged.
 */
public final class SelectList
{
    private SelectList() {}

    public static String of(List<Column> columns)
    {
        return of(columns, null);
    }

    /**
     * The same, each name qualified by {@code alias} (a table alias of a join, unquoted) unless it is null.
     */
    public static String of(List<Column> columns, String alias)
    {
        String prefix = alias == null ? "" : '`' + alias + "`.";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            Column column = columns.get(i);
            if (column.type() == ColumnType.FLOAT) {
                text.append("CAST(").append(prefix).append(column.quotedName()).append(" AS DOUBLE)");
            }
            else {
                text.append(prefix).append(column.quotedName());
            }
        }
        return text.toString();
    }
}
