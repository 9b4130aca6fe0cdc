package dev.ferry.runtime.schema;

import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CollationMappingTest
{
    private static final TableName TABLE = new TableName("shop", "orders");
    // a 10.11 target: UCA 14 collations, none of MySQL 8's 0900 aliases
    private static final Set<String> MARIADB_10_11 = Set.of("utf8mb4_general_ci", "utf8mb4_bin", "latin1_swedish_ci",
            "utf8mb4_uca1400_ai_ci", "utf8mb4_uca1400_nopad_ai_ci", "utf8mb4_uca1400_german2_nopad_as_cs");

    @Test
    void aliasesResolveToWhatMariaDb114SaysTheyStandFor()
    {
        assertEquals("utf8mb4_uca1400_nopad_ai_ci", CollationMapping.resolveAlias("utf8mb4_0900_ai_ci"));
        assertEquals("utf8mb4_uca1400_german2_nopad_as_cs", CollationMapping.resolveAlias("UTF8MB4_DE_PB_0900_AS_CS"));
        assertEquals("utf8mb4_uca1400_spanish2_nopad_ai_ci", CollationMapping.resolveAlias("utf8mb4_es_trad_0900_ai_ci"));
        assertEquals("utf8mb4_bin", CollationMapping.resolveAlias("utf8mb4_0900_bin"));
        assertEquals("utf8mb4_general_ci", CollationMapping.resolveAlias("utf8mb4_general_ci"));
    }

    @Test
    void rewritesAliasesTheTargetLacksAndKeepsEverythingElse()
    {
        String create = "CREATE TABLE `orders` (\n"
                + "  `id` int(11) NOT NULL,\n"
                + "  `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci DEFAULT 'COLLATE utf8mb4_0900_ai_ci',\n"
                + "  `note` varchar(20) COLLATE utf8mb4_de_pb_0900_as_cs COMMENT 'it''s COLLATE x',\n"
                + "  `code` varchar(5) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT NULL,\n"
                + "  `COLLATE utf8mb4_0900_bin` int,\n"
                + "  PRIMARY KEY (`id`)\n"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin";
        assertEquals("CREATE TABLE `orders` (\n"
                        + "  `id` int(11) NOT NULL,\n"
                        + "  `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_nopad_ai_ci DEFAULT 'COLLATE utf8mb4_0900_ai_ci',\n"
                        + "  `note` varchar(20) COLLATE utf8mb4_uca1400_german2_nopad_as_cs COMMENT 'it''s COLLATE x',\n"
                        + "  `code` varchar(5) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT NULL,\n"
                        + "  `COLLATE utf8mb4_0900_bin` int,\n"
                        + "  PRIMARY KEY (`id`)\n"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                CollationMapping.rewrite(create, MARIADB_10_11, TABLE));
    }

    @Test
    void aTargetThatHasTheAliasKeepsIt()
    {
        String create = "CREATE TABLE `t` (`a` varchar(3) COLLATE utf8mb4_0900_ai_ci) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci";
        assertSame(create, CollationMapping.rewrite(create, Set.of("utf8mb4_0900_ai_ci", "utf8mb4_uca1400_ai_ci"), TABLE));
        assertEquals("utf8mb4_uca1400_ai_ci", CollationMapping.forTarget("utf8mb4_uca1400_ai_ci", MARIADB_10_11, "database shop"));
    }

    @Test
    void aCollationTheTargetLacksWithoutAnEquivalentIsAnErrorNamingTableAndCollation()
    {
        SchemaException unknown = assertThrows(SchemaException.class,
                () -> CollationMapping.rewrite("CREATE TABLE `t` (`a` text COLLATE utf8mb4_uca1400_vietnamese_ai_ci)", MARIADB_10_11, TABLE));
        assertEquals("cannot create table shop.orders on the target: the target server has no collation utf8mb4_uca1400_vietnamese_ai_ci; "
                + "create it on the target yourself with a collation the target has, or upgrade the target server", unknown.getMessage());
        SchemaException alias = assertThrows(SchemaException.class,
                () -> CollationMapping.forTarget("utf8mb4_vi_0900_ai_ci", MARIADB_10_11, "database shop"));
        assertEquals("cannot create database shop on the target: the target server has no collation utf8mb4_vi_0900_ai_ci "
                + "(nor utf8mb4_uca1400_vietnamese_nopad_ai_ci, which it is an alias of); "
                + "create it on the target yourself with a collation the target has, or upgrade the target server", alias.getMessage());
    }
}
