package dev.ferry.runtime.binlog;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hand-built table schemas for decoder tests.
 */
final class TestingSchemas
{
    private final List<Column> columns = new ArrayList<>();
    private final TableName name;

    private TestingSchemas(TableName name)
    {
        this.name = name;
    }

    static TestingSchemas table(String database, String table)
    {
        return new TestingSchemas(new TableName(database, table));
    }

    /**
     * A column from its full type, e.g. {@code bigint(20) unsigned} or {@code decimal(65,30)}.
     */
    TestingSchemas column(String columnName, String columnType)
    {
        return column(columnName, columnType, null, false, List.of());
    }

    TestingSchemas text(String columnName, String columnType, String charset)
    {
        return column(columnName, columnType, charset, false, List.of());
    }

    TestingSchemas members(String columnName, String columnType, String charset, List<String> members)
    {
        return column(columnName, columnType, charset, false, members);
    }

    TestingSchemas generated(String columnName, String columnType)
    {
        return column(columnName, columnType, null, true, List.of());
    }

    private TestingSchemas column(String columnName, String columnType, String charset, boolean generated, List<String> members)
    {
        String lower = columnType.toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < lower.length() && Character.isLetter(lower.charAt(end))) {
            end++;
        }
        ColumnType type = ColumnType.fromDataType(lower.substring(0, end));
        columns.add(new Column(columnName, columns.size(), type, columnType, lower.contains("unsigned"), true, charset,
                charset == null ? null : charset + "_bin", generated, members));
        return this;
    }

    TableSchema build()
    {
        return new TableSchema(name, columns, List.of(), List.of(), PaginationKey.fullCopy(), "test");
    }
}
