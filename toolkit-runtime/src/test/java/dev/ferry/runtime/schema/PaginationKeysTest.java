package dev.ferry.runtime.schema;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.CopyConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.ferry.runtime.schema.TestingTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaginationKeysTest
{
    private static final TableSchema KEYED = table("db.t")
            .column("id", "bigint(20) unsigned", false)
            .column("uid", "varbinary(16)", false)
            .column("created_at", "datetime(6)", false)
            .column("score", "double", false)
            .column("note", "varchar(10)", true)
            .primaryKey("id")
            .uniqueKey("uid_unique", "uid")
            .index("created", "created_at")
            .build();

    private static final TableSchema KEYLESS = table("db.log")
            .column("ts", "datetime", false)
            .column("seq", "int(11)", false)
            .column("message", "text", true)
            .uniqueKey("seq_unique", "seq")
            .build();

    @Test
    void primaryKeyByDefault()
    {
        assertKey(choose(config(), KEYED), "primary key", "id");
    }

    @Test
    void fullCopyTablesComeFirst()
    {
        PaginationKey key = choose(config(List.of("db.t"), Map.of(), null), KEYED).paginationKey();
        assertTrue(key.isFullCopy());
        assertEquals("full copy", key.source());
        // also for a table that has no key at all
        assertTrue(choose(config(List.of("db.log"), Map.of(), null), KEYLESS).paginationKey().isFullCopy());
    }

    @Test
    void paginationColumnsComeBeforeThePrimaryKey()
    {
        assertKey(choose(config(List.of(), Map.of("db.t", List.of("uid")), "id"), KEYED), "copy.paginationColumns", "uid");
    }

    @Test
    void nonUniquePaginationColumnsGetThePrimaryKeyAsTieBreaker()
    {
        assertKey(choose(config(List.of(), Map.of("db.t", List.of("created_at")), null), KEYED), "copy.paginationColumns", "created_at", "id");
        TableSchema composite = table("db.c")
                .column("tenant", "int(11)", false)
                .column("id", "bigint(20)", false)
                .column("day", "date", false)
                .primaryKey("tenant", "id")
                .build();
        // primary key columns already listed are not appended twice
        assertKey(choose(config(List.of(), Map.of("db.c", List.of("day", "ID")), null), composite), "copy.paginationColumns", "day", "id", "tenant");
    }

    @Test
    void nonUniquePaginationColumnsWithoutPrimaryKeyFail()
    {
        SchemaException e = assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of("db.log", List.of("ts")), null), KEYLESS));
        assertEquals("table db.log: columns [ts] (copy.paginationColumns) are not unique and the table has no usable primary key to break ties; "
                + "choose unique columns", e.getMessage());
    }

    @Test
    void paginationColumnsMustExistAndBeUsable()
    {
        assertEquals("table db.t has no column nope (copy.paginationColumns)",
                assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of("db.t", List.of("nope")), null), KEYED)).getMessage());
        assertEquals("table db.t cannot be paginated by [note] (copy.paginationColumns): column note is nullable",
                assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of("db.t", List.of("note")), null), KEYED)).getMessage());
        assertEquals("table db.t cannot be paginated by [score] (copy.paginationColumns): column score is double, which cannot paginate",
                assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of("db.t", List.of("score")), null), KEYED)).getMessage());
        TableSchema withEnum = table("db.e")
                .column("id", "int(11)", false)
                .column("state", "enum('a','b')", false)
                .generated("total", "int(11)")
                .primaryKey("id")
                .build();
        assertEquals("table db.e cannot be paginated by [state] (copy.paginationColumns): column state is enum('a','b'), which cannot paginate",
                assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of("db.e", List.of("state")), null), withEnum)).getMessage());
        assertEquals("table db.e cannot be paginated by [total] (copy.paginationColumns): column total is generated",
                assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of("db.e", List.of("total")), null), withEnum)).getMessage());
    }

    @Test
    void fallbackColumnForTablesWithoutPrimaryKey()
    {
        assertKey(choose(config(List.of(), Map.of(), "seq"), KEYLESS), "copy.fallbackColumn", "seq");
        // a usable primary key wins over the fallback column
        assertKey(choose(config(List.of(), Map.of(), "uid"), KEYED), "primary key", "id");
    }

    @Test
    void fallbackColumnWhenThePrimaryKeyCannotPaginate()
    {
        TableSchema floatKey = table("db.f")
                .column("x", "double", false)
                .column("seq", "int(11)", false)
                .primaryKey("x")
                .uniqueKey("seq_unique", "seq")
                .build();
        assertKey(choose(config(List.of(), Map.of(), "seq"), floatKey), "copy.fallbackColumn", "seq");
        SchemaException e = assertThrows(SchemaException.class, () -> choose(config(), floatKey));
        assertEquals("table db.f cannot be paginated by its primary key (column x is double, which cannot paginate): "
                + "set copy.paginationColumns for it, set copy.fallbackColumn, or list it in copy.fullCopyTables", e.getMessage());
        SchemaException missingFallback = assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of(), "nope"), floatKey));
        assertTrue(missingFallback.getMessage().startsWith("table db.f cannot be paginated by its primary key (column x is double, which cannot paginate)"),
                missingFallback.getMessage());
        assertTrue(missingFallback.getMessage().contains("no column nope (copy.fallbackColumn)"), missingFallback.getMessage());
    }

    @Test
    void tableWithoutAnyKeyNamesTheOptions()
    {
        SchemaException e = assertThrows(SchemaException.class, () -> choose(config(), KEYLESS));
        assertEquals("table db.log has no primary key: set copy.paginationColumns for it, or list it in copy.fullCopyTables "
                + "(copied whole under a lock; only for small tables)", e.getMessage());
        SchemaException withFallback = assertThrows(SchemaException.class, () -> choose(config(List.of(), Map.of(), "id"), KEYLESS));
        assertEquals("table db.log has no primary key and no column id (copy.fallbackColumn): set copy.paginationColumns for it, "
                + "or list it in copy.fullCopyTables (copied whole under a lock; only for small tables)", withFallback.getMessage());
    }

    @Test
    void nullablePrimaryKeyIsNotUsed()
    {
        // MariaDB cannot declare one, but a unique key promoted by hand could be; the rule holds anyway
        TableSchema nullable = table("db.n").column("id", "int(11)", true).primaryKey("id").build();
        SchemaException e = assertThrows(SchemaException.class, () -> choose(config(), nullable));
        assertTrue(e.getMessage().contains("column id is nullable"), e.getMessage());
    }

    @Test
    void copyFilterChoosesWhenTheConfigDoesNot()
    {
        CopyFilter filter = new CopyFilter()
        {
            @Override
            public Optional<SqlPredicate> copyPredicate(TableSchema table)
            {
                return Optional.empty();
            }

            @Override
            public Optional<List<String>> paginationColumns(TableSchema table)
            {
                return Optional.of(List.of("created_at"));
            }

            @Override
            public boolean matches(TableSchema table, Row row)
            {
                return true;
            }
        };
        assertKey(new PaginationKeys(config(), Optional.of(filter)).choose(KEYED), "copy filter", "created_at", "id");
        assertKey(new PaginationKeys(config(List.of(), Map.of("db.t", List.of("uid")), null), Optional.of(filter)).choose(KEYED),
                "copy.paginationColumns", "uid");
    }

    private static TableSchema choose(CopyConfig config, TableSchema table)
    {
        return new PaginationKeys(config, Optional.empty()).choose(table);
    }

    private static void assertKey(TableSchema table, String source, String... columns)
    {
        assertEquals(source, table.paginationKey().source());
        assertEquals(List.of(columns), table.paginationKey().columns().stream().map(Column::name).toList());
    }

    private static CopyConfig config()
    {
        return config(List.of(), Map.of(), null);
    }

    static CopyConfig config(List<String> fullCopyTables, Map<String, List<String>> paginationColumns, String fallbackColumn)
    {
        Map<TableName, List<String>> columns = new java.util.HashMap<>();
        paginationColumns.forEach((table, names) -> columns.put(TableName.parse(table), names));
        return new CopyConfig(1000, 4, 250_000, true, List.of(), false, false, CopyConfig.LockStrategy.SOURCE_DB,
                fullCopyTables.stream().map(TableName::parse).toList(), columns, fallbackColumn, 5, 5, Duration.ofMillis(500), false, false,
                CopyConfig.WriteMethod.AUTO);
    }
}
