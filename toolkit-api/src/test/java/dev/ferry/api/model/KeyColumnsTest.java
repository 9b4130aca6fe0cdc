package dev.ferry.api.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyColumnsTest
{
    private static final TableName T = new TableName("db", "t");
    private static final Column ID = column("id", 0, ColumnType.BIGINT, "bigint(20) unsigned", false, null, false);
    private static final Column NAME = column("name", 1, ColumnType.VARCHAR, "varchar(20)", false, "utf8mb4", false);
    private static final Column SCORE = column("score", 2, ColumnType.DOUBLE, "double", false, null, false);
    private static final Column NOTE = column("note", 3, ColumnType.VARCHAR, "varchar(20)", true, "utf8mb4", false);
    private static final Column TOTAL = column("total", 4, ColumnType.INT, "int(11)", false, null, true);
    private static final Column ARMENIAN = column("hy", 5, ColumnType.VARCHAR, "varchar(20)", false, "armscii8", false);

    @Test
    void namesEveryProblemOfEveryColumn()
    {
        TableSchema table = table(List.of("id"), PaginationKey.fullCopy());
        assertEquals(List.of(), KeyColumns.problems(table, List.of("ID", "name")));
        assertEquals(List.of("column score is double, which cannot paginate", "column note is nullable", "column total is generated",
                        "column hy has character set armscii8, which ferry cannot decode"),
                KeyColumns.problems(table, List.of("score", "note", "total", "hy")));
        assertThrows(IllegalArgumentException.class, () -> KeyColumns.problems(table, List.of("missing")));
    }

    @Test
    void rowsAreKeyedByThePaginationKeyOfAPaginatedTable()
    {
        // the copy's choice wins over the primary key
        TableSchema table = table(List.of("id"), new PaginationKey(List.of(NAME, ID), "copy.paginationColumns"));
        assertEquals(List.of(NAME, ID), KeyColumns.rowKey(table));
    }

    @Test
    void aTableCopiedWholeIsKeyedByAUsablePrimaryKeyOrNothing()
    {
        assertEquals(List.of(ID, NAME), KeyColumns.rowKey(table(List.of("id", "name"), PaginationKey.fullCopy())));
        assertEquals(List.of(), KeyColumns.rowKey(table(List.of("id", "score"), PaginationKey.fullCopy())));
        assertEquals(List.of(), KeyColumns.rowKey(table(List.of("note"), PaginationKey.fullCopy())));
        assertEquals(List.of(), KeyColumns.rowKey(table(List.of("hy"), PaginationKey.fullCopy())));
        assertEquals(List.of(), KeyColumns.rowKey(table(null, PaginationKey.fullCopy())));
    }

    private static TableSchema table(List<String> primaryKey, PaginationKey key)
    {
        List<IndexInfo> indexes = new ArrayList<>();
        if (primaryKey != null) {
            indexes.add(new IndexInfo("PRIMARY", primaryKey, true));
        }
        return new TableSchema(T, List.of(ID, NAME, SCORE, NOTE, TOTAL, ARMENIAN), indexes, List.of(), key, "fp");
    }

    private static Column column(String name, int ordinal, ColumnType type, String columnType, boolean nullable, String charset, boolean generated)
    {
        return new Column(name, ordinal, type, columnType, columnType.endsWith("unsigned"), nullable, charset, charset == null ? null : charset + "_bin",
                generated, List.of());
    }
}
