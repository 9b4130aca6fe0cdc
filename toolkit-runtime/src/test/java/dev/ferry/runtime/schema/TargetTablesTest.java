package dev.ferry.runtime.schema;

import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.sql.StatementTag;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetTablesTest
{
    private static final String CHILD = """
            CREATE TABLE `child` (
              `id` int(11) NOT NULL,
              `parent_id` int(11) DEFAULT NULL,
              `country` char(2) DEFAULT NULL,
              PRIMARY KEY (`id`),
              KEY `parent_id` (`parent_id`),
              KEY `country` (`country`),
              CONSTRAINT `child_ibfk_1` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) ON DELETE CASCADE,
              CONSTRAINT `child_ibfk_2` FOREIGN KEY (`country`) REFERENCES `geo`.`countries` (`code`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""";

    @Test
    void rewriteCreate()
    {
        TargetTables tables = tables(new RewritesConfig(Map.of("shop", "shop_new", "geo", "geo_new"),
                Map.of(TableName.parse("shop.child"), "kid", TableName.parse("shop.parent"), "mother")));
        String ddl = tables.rewriteCreate(CHILD, TableName.parse("shop.child"), TableName.parse("shop_new.kid"));
        assertEquals("""
                CREATE TABLE `shop_new`.`kid` (
                  `id` int(11) NOT NULL,
                  `parent_id` int(11) DEFAULT NULL,
                  `country` char(2) DEFAULT NULL,
                  PRIMARY KEY (`id`),
                  KEY `parent_id` (`parent_id`),
                  KEY `country` (`country`),
                  CONSTRAINT `child_ibfk_1` FOREIGN KEY (`parent_id`) REFERENCES `shop_new`.`mother` (`id`) ON DELETE CASCADE,
                  CONSTRAINT `child_ibfk_2` FOREIGN KEY (`country`) REFERENCES `geo_new`.`countries` (`code`)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""", ddl);
    }

    @Test
    void rewriteCreateWithoutRewritesQualifiesNames()
    {
        String ddl = tables(RewritesConfig.none()).rewriteCreate(CHILD, TableName.parse("shop.child"), TableName.parse("shop.child"));
        assertTrue(ddl.startsWith("CREATE TABLE `shop`.`child` (\n"), ddl);
        assertTrue(ddl.contains("REFERENCES `shop`.`parent` (`id`) ON DELETE CASCADE"), ddl);
        assertTrue(ddl.contains("REFERENCES `geo`.`countries` (`code`)"), ddl);
    }

    @Test
    void rewriteCreateKeepsBackquotesInNames()
    {
        String showCreate = "CREATE TABLE `we``ird` (\n  `id` int(11) NOT NULL,\n  CONSTRAINT `f` FOREIGN KEY (`id`) REFERENCES `par``ent` (`id`)\n) ENGINE=InnoDB";
        String ddl = tables(new RewritesConfig(Map.of("d`b", "target"), Map.of()))
                .rewriteCreate(showCreate, new TableName("d`b", "we`ird"), new TableName("target", "we`ird"));
        assertEquals("CREATE TABLE `target`.`we``ird` (\n  `id` int(11) NOT NULL,\n  CONSTRAINT `f` FOREIGN KEY (`id`) REFERENCES `target`.`par``ent` (`id`)\n) ENGINE=InnoDB", ddl);
    }

    @Test
    void rewriteCreateRejectsUnexpectedText()
    {
        SchemaException e = assertThrows(SchemaException.class,
                () -> tables(RewritesConfig.none()).rewriteCreate("CREATE VIEW `v` AS SELECT 1", TableName.parse("db.v"), TableName.parse("db.v")));
        assertTrue(e.getMessage().startsWith("unexpected SHOW CREATE TABLE output for db.v: CREATE VIEW"), e.getMessage());
    }

    @Test
    void compatibleTargetHasNoProblems()
    {
        TableSchema source = TestingTables.table("db.t")
                .column("id", "bigint(20) unsigned", false)
                .column("v", "varchar(10)", true)
                .generated("g", "int(11)")
                .primaryKey("id")
                .build();
        // display widths differ between MySQL 8 and MariaDB; extra target columns and a missing generated column are fine
        TableSchema target = TestingTables.table("db.t")
                .column("ID", "bigint unsigned", false)
                .column("v", "VARCHAR(10)", true)
                .column("extra", "int", true)
                .primaryKey("id")
                .build();
        assertEquals(List.of(), TargetTables.incompatibilities(source, target, TableName.parse("db.t")));
    }

    @Test
    void incompatibilitiesNameTableAndColumn()
    {
        TableSchema source = TestingTables.table("db.t")
                .column("id", "int(11)", false)
                .column("name", "varchar(64)", false)
                .column("amount", "decimal(10,2)", true)
                .column("total", "int(11)", true)
                .primaryKey("id")
                .build();
        TableSchema target = TestingTables.table("db2.t2")
                .column("id", "int(11)", false)
                .column("amount", "decimal(8,2)", true)
                .generated("total", "int(11)")
                .primaryKey("id")
                .build();
        assertEquals(List.of(
                        "target table db2.t2 has no column name (varchar(64)): add it, or drop the target table so that ferry creates it",
                        "target table db2.t2 column amount is decimal(8,2) but the source's is decimal(10,2): make them equal",
                        "target table db2.t2 column total is generated but the source's is not"),
                TargetTables.incompatibilities(source, target, TableName.parse("db2.t2")));
    }

    @Test
    void characterSetAndCollationMustMatch()
    {
        TableSchema source = TestingTables.table("db.t")
                .column("id", "int(11)", false)
                .textColumn("name", "varchar(20)", "utf8mb4", "utf8mb4_general_ci")
                .textColumn("code", "char(2)", "ascii", "ascii_bin")
                .textColumn("same", "text", "utf8mb4", "utf8mb4_bin")
                .primaryKey("id")
                .build();
        TableSchema target = TestingTables.table("db.t")
                .column("id", "int(11)", false)
                .textColumn("name", "varchar(20)", "latin1", "latin1_swedish_ci")
                .textColumn("code", "char(2)", "ascii", "ascii_general_ci")
                .textColumn("same", "text", "UTF8MB4", "UTF8MB4_BIN")
                .primaryKey("id")
                .build();
        assertEquals(List.of(
                        "target table db.t column name has character set latin1 and collation latin1_swedish_ci but the source's has utf8mb4 and utf8mb4_general_ci: make them equal",
                        "target table db.t column code has character set ascii and collation ascii_general_ci but the source's has ascii and ascii_bin: make them equal"),
                TargetTables.incompatibilities(source, target, TableName.parse("db.t")));
    }

    private static TargetTables tables(RewritesConfig rewrites)
    {
        DataSource unused = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            throw new AssertionError("no database access expected: " + method.getName());
        });
        return new TargetTables(new SchemaLoader(unused), unused, rewrites, StatementTag.NONE);
    }
}
