package dev.ferry.runtime.schema;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds table schemas for unit tests, the way {@link SchemaLoader} would load them.
 */
final class TestingTables
{
    private final TableName name;
    private final List<Column> columns = new ArrayList<>();
    private final List<IndexInfo> indexes = new ArrayList<>();
    private final List<ForeignKey> foreignKeys = new ArrayList<>();

    private TestingTables(TableName name)
    {
        this.name = name;
    }

    static TestingTables table(String qualifiedName)
    {
        return new TestingTables(TableName.parse(qualifiedName));
    }

    /**
     * Adds a column; {@code columnType} as in {@code information_schema}, e.g.
     * {@code bigint(20) unsigned}, {@code varchar(10)}.
     */
    TestingTables column(String columnName, String columnType, boolean nullable)
    {
        String dataType = columnType.replaceAll("[( ].*", "");
        ColumnType type = ColumnType.fromDataType(dataType);
        boolean text = type.family() == ColumnType.Family.TEXT;
        columns.add(new Column(columnName, columns.size(), type, columnType, columnType.toLowerCase(Locale.ROOT).contains("unsigned"), nullable,
                text ? "utf8mb4" : null, text ? "utf8mb4_general_ci" : null, false, List.of()));
        return this;
    }

    TestingTables textColumn(String columnName, String columnType, String charset, String collation)
    {
        ColumnType type = ColumnType.fromDataType(columnType.replaceAll("[( ].*", ""));
        columns.add(new Column(columnName, columns.size(), type, columnType, false, true, charset, collation, false, List.of()));
        return this;
    }

    TestingTables generated(String columnName, String columnType)
    {
        ColumnType type = ColumnType.fromDataType(columnType.replaceAll("[( ].*", ""));
        columns.add(new Column(columnName, columns.size(), type, columnType, false, false, null, null, true, List.of()));
        return this;
    }

    TestingTables primaryKey(String... columnNames)
    {
        indexes.add(0, new IndexInfo("PRIMARY", List.of(columnNames), true));
        return this;
    }

    TestingTables uniqueKey(String indexName, String... columnNames)
    {
        indexes.add(new IndexInfo(indexName, List.of(columnNames), true));
        return this;
    }

    TestingTables index(String indexName, String... columnNames)
    {
        indexes.add(new IndexInfo(indexName, List.of(columnNames), false));
        return this;
    }

    TestingTables references(String referenced, String column)
    {
        foreignKeys.add(new ForeignKey("fk_" + foreignKeys.size(), List.of(column), TableName.parse(referenced), List.of("id")));
        return this;
    }

    TableSchema build()
    {
        PaginationKey key = PaginationKey.fullCopy();
        for (IndexInfo index : indexes) {
            if (index.isPrimary()) {
                List<Column> keyColumns = new ArrayList<>();
                for (String column : index.columns()) {
                    keyColumns.add(columns.stream().filter(c -> c.name().equalsIgnoreCase(column)).findFirst().orElseThrow());
                }
                key = new PaginationKey(keyColumns, "primary key");
            }
        }
        return new TableSchema(name, columns, indexes, foreignKeys, key, SchemaLoader.fingerprint(columns, indexes));
    }
}
