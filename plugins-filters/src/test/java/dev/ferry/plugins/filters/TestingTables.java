package dev.ferry.plugins.filters;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Table schemas and row images for unit tests, described the way information_schema would.
 */
final class TestingTables
{
    private TestingTables() {}

    static Builder table(String qualified)
    {
        return new Builder(TableName.parse(qualified));
    }

    /**
     * A row image of UTF-8 text values; null is SQL NULL.
     */
    static Row row(String... values)
    {
        return row(StandardCharsets.UTF_8, values);
    }

    static Row row(Charset charset, String... values)
    {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] == null ? null : values[i].getBytes(charset);
        }
        return Row.wrap(bytes);
    }

    static final class Builder
    {
        private final TableName name;
        private final List<Column> columns = new ArrayList<>();
        private final List<IndexInfo> indexes = new ArrayList<>();

        private Builder(TableName name)
        {
            this.name = name;
        }

        /**
         * A NOT NULL column; text columns get utf8mb4 with utf8mb4_general_ci.
         */
        Builder column(String columnName, String columnType)
        {
            return add(columnName, columnType, false, null, null);
        }

        Builder nullable(String columnName, String columnType)
        {
            return add(columnName, columnType, true, null, null);
        }

        Builder text(String columnName, String columnType, String charset, String collation)
        {
            return add(columnName, columnType, false, charset, collation);
        }

        Builder primaryKey(String... columnNames)
        {
            indexes.add(0, new IndexInfo("PRIMARY", List.of(columnNames), true));
            return this;
        }

        Builder index(String indexName, String... columnNames)
        {
            indexes.add(new IndexInfo(indexName, List.of(columnNames), false));
            return this;
        }

        Builder uniqueIndex(String indexName, String... columnNames)
        {
            indexes.add(new IndexInfo(indexName, List.of(columnNames), true));
            return this;
        }

        TableSchema build()
        {
            List<Column> key = new ArrayList<>();
            for (IndexInfo index : indexes) {
                if (index.isPrimary()) {
                    for (String column : index.columns()) {
                        key.add(columns.stream().filter(c -> c.name().equals(column)).findFirst().orElseThrow());
                    }
                }
            }
            PaginationKey paginationKey = key.isEmpty() ? PaginationKey.fullCopy() : new PaginationKey(key, "primary key");
            return new TableSchema(name, columns, indexes, List.of(), paginationKey, "test-" + name);
        }

        private Builder add(String columnName, String columnType, boolean nullable, String charset, String collation)
        {
            String lower = columnType.toLowerCase(Locale.ROOT);
            int end = 0;
            while (end < lower.length() && Character.isLetter(lower.charAt(end))) {
                end++;
            }
            ColumnType type = ColumnType.fromDataType(lower.substring(0, end));
            boolean text = type.family() == ColumnType.Family.TEXT;
            columns.add(new Column(columnName, columns.size(), type, columnType, lower.contains("unsigned"), nullable,
                    text ? (charset == null ? "utf8mb4" : charset) : null,
                    text ? (collation == null ? "utf8mb4_general_ci" : collation) : null,
                    false, List.of()));
            return this;
        }
    }
}
