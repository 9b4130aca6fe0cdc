package dev.ferry.api.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which columns can key reads in key order, and which key identifies a table's rows for them.
 * The copy chooses each table's {@link PaginationKey} with {@link #problems} (plus its own
 * configuration: {@code copy.paginationColumns}, {@code copy.fallbackColumn}, the copy filter's
 * choice); the verifiers and plugins that read rows by key take {@link #rowKey}, so that both
 * order and look up rows by the same columns.
 */
public final class KeyColumns
{
    private KeyColumns() {}

    /**
     * Why {@code columns} of {@code table} cannot key reads in key order, one message per problem
     * (e.g. {@code column price is double, which cannot paginate}); empty when they can. A key
     * column must be NOT NULL, not generated, of a type whose SQL order is exact (not ENUM, SET or
     * floating point), and text in a character set ferry can decode. Uniqueness is not checked.
     *
     * @throws IllegalArgumentException when {@code table} has no column of one of the names
     */
    public static List<String> problems(TableSchema table, List<String> columns)
    {
        List<String> problems = new ArrayList<>();
        for (String name : columns) {
            Column column = table.column(name).orElseThrow(() -> new IllegalArgumentException("table " + table.name() + " has no column " + name));
            if (!column.isPaginationCapable()) {
                problems.add("column " + column.name() + " is " + column.columnType() + ", which cannot paginate");
            }
            if (column.nullable()) {
                problems.add("column " + column.name() + " is nullable");
            }
            if (column.generated()) {
                problems.add("column " + column.name() + " is generated");
            }
            if (column.type().family() == ColumnType.Family.TEXT && column.isPaginationCapable()) {
                try {
                    MySqlCharsets.forMySqlName(column.charset());
                }
                catch (IllegalArgumentException e) {
                    problems.add("column " + column.name() + " has character set " + column.charset() + ", which ferry cannot decode");
                }
            }
        }
        return problems;
    }

    /**
     * The key that identifies {@code table}'s rows in reads by key: its pagination key when the
     * copy paginates it, else (a table copied whole) its primary key when that has no
     * {@link #problems}, else empty (rows have no usable key; compare the table as a whole).
     */
    public static List<Column> rowKey(TableSchema table)
    {
        if (!table.paginationKey().isFullCopy()) {
            return table.paginationKey().columns();
        }
        Optional<IndexInfo> primary = table.primaryKey();
        if (primary.isEmpty()) {
            return List.of();
        }
        List<String> names = primary.get().columns();
        for (String name : names) {
            if (table.column(name).isEmpty()) {
                return List.of();
            }
        }
        if (!problems(table, names).isEmpty()) {
            return List.of();
        }
        List<Column> columns = new ArrayList<>(names.size());
        for (String name : names) {
            columns.add(table.column(name).orElseThrow());
        }
        return List.copyOf(columns);
    }
}
