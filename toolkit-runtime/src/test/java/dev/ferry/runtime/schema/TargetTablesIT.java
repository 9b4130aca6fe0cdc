package dev.ferry.runtime.schema;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How the target is prepared: created under rewritten names, existing tables checked, foreign
 * keys created in an order the target accepts.
 */
@RealServers
class TargetTablesIT
{
    @Test
    void rewritesCreateTablesUnderTheNewNamesWithForeignKeysRewritten(TestDatabase db)
            throws Exception
    {
        createFamily(db);
        String renamed = "rewritten_" + db.name().substring(db.name().lastIndexOf('_') + 1);
        db.target().execute("DROP DATABASE IF EXISTS " + renamed);
        try {
            RunResult result = run(db, "rewrites:\n  databases:\n    " + db.name() + ": " + renamed + "\n  tables:\n    "
                    + db.name() + ".b_child: kid\n");
            assertEquals(FerryPhase.DONE, result.phase(), result.message());
            assertEquals(List.of(List.of("a_grandchild"), List.of("c_parent"), List.of("kid")),
                    db.target().query("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + renamed + "' ORDER BY 1"));
            assertEquals(List.of(), db.target().query("SELECT schema_name FROM information_schema.schemata WHERE schema_name = '" + db.name() + "'"),
                    "nothing lands under the source name");
            assertEquals(List.of(
                            List.of("a_grandchild", renamed, "c_parent"),
                            List.of("a_grandchild", renamed, "kid"),
                            List.of("kid", renamed, "c_parent")),
                    db.target().query("SELECT table_name, referenced_table_schema, referenced_table_name FROM information_schema.key_column_usage "
                            + "WHERE table_schema = '" + renamed + "' AND referenced_table_name IS NOT NULL ORDER BY 1, 3"));
            for (String[] pair : new String[][] {{"a_grandchild", "a_grandchild"}, {"b_child", "kid"}, {"c_parent", "c_parent"}}) {
                assertEquals(db.source().query("SELECT * FROM " + db.name() + "." + pair[0] + " ORDER BY id"),
                        db.target().query("SELECT * FROM " + renamed + "." + pair[1] + " ORDER BY id"), pair[0]);
            }
        }
        finally {
            db.target().execute("DROP DATABASE IF EXISTS " + renamed);
        }
    }

    @Test
    void inferredOrderCreatesAndFillsParentsFirst(TestDatabase db)
            throws Exception
    {
        createFamily(db);
        RunResult result = run(db, "copy:\n  batchSize: 50\n  concurrency: 4\n");
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        assertEquals(3, db.target().queryLong("SELECT COUNT(*) FROM information_schema.referential_constraints WHERE constraint_schema = '"
                + db.name() + "'"), "foreign keys exist on the target");
    }

    @Test
    void manualCreationOrder(TestDatabase db)
            throws Exception
    {
        createFamily(db);
        RunResult result = run(db, "copy:\n  tableCreationOrder: [\"" + db.name() + ".c_parent\", \"" + db.name() + ".b_child\"]\n");
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
    }

    @Test
    void foreignKeyCycleCopiesWithTheDefaultConfig(TestDatabase db)
            throws Exception
    {
        createCycle(db);
        RunResult result = run(db, "copy:\n  batchSize: 10\n");
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        assertEquals(2, db.target().queryLong("SELECT COUNT(*) FROM information_schema.referential_constraints WHERE constraint_schema = '" + db.name() + "'"));
    }

    /**
     * The options a cycle once needed are still accepted.
     */
    @Test
    void foreignKeyCycleCopiesWithAnOrderAndForeignKeyChecksOff(TestDatabase db)
            throws Exception
    {
        createCycle(db);
        RunResult result = run(db, "copy:\n  batchSize: 10\n  disableForeignKeyChecks: true\n  tableCreationOrder: [\"" + db.name() + ".hens\", \""
                + db.name() + ".eggs\"]\n");
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        assertEquals(2, db.target().queryLong("SELECT COUNT(*) FROM information_schema.referential_constraints WHERE constraint_schema = '" + db.name() + "'"));
    }

    @Test
    void existingCompatibleTargetTableIsKeptAndFilled(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(10,2) NULL)",
                "INSERT INTO items SELECT seq, CONCAT('item', seq), seq / 4 FROM seq_1_to_300");
        // the same columns with MySQL-style display widths and upper case, plus a column, an index and rows of its own
        db.target().execute("CREATE DATABASE " + db.name(),
                "CREATE TABLE " + db.name() + ".items (ID INT(11) NOT NULL PRIMARY KEY, NAME VARCHAR(20) NOT NULL, price DECIMAL(10,2) NULL, "
                        + "note VARCHAR(10) NULL DEFAULT 'target', KEY by_name (name)) COMMENT 'made by hand'",
                "INSERT INTO " + db.name() + ".items (id, name, price, note) VALUES (1001, 'mine', 1.00, 'kept'), (1002, 'also mine', NULL, 'kept')");
        String before = showCreate(db);

        RunResult result = run(db, "copy:\n  batchSize: 40\n");

        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        assertEquals(before, showCreate(db), "the target table is not recreated or altered");
        assertEquals(List.of(List.of("302", "2", "300")),
                db.target().query("SELECT COUNT(*), SUM(note = 'kept'), SUM(note = 'target') FROM " + db.name() + ".items"));
        assertEquals(db.source().query("SELECT id, name, price FROM " + db.name() + ".items ORDER BY id"),
                db.target().query("SELECT id, name, price FROM " + db.name() + ".items WHERE id <= 300 ORDER BY id"));
    }

    @Test
    void incompatibleTargetTablesAreReportedTogether(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE narrow (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, total BIGINT AS (id * 2) STORED)",
                "CREATE TABLE typed (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "CREATE TABLE texts (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL)",
                "INSERT INTO texts VALUES (1, 'smile 😀')",
                "INSERT INTO narrow (id, name) VALUES (1, 'a')",
                "INSERT INTO typed VALUES (1, 1)");
        db.target().execute("CREATE DATABASE " + db.name(),
                "CREATE TABLE " + db.name() + ".narrow (id INT NOT NULL PRIMARY KEY)",
                "CREATE TABLE " + db.name() + ".typed (id INT NOT NULL PRIMARY KEY, v BIGINT NOT NULL)",
                // the same declared type, but the utf8mb4 bytes would be stored as latin1 characters
                "CREATE TABLE " + db.name() + ".texts (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) CHARACTER SET latin1 NOT NULL)");
        SchemaException e = assertThrows(SchemaException.class, () -> run(db, ""));
        assertEquals("target table " + db.name() + ".narrow has no column name (varchar(20)): add it, or drop the target table so that ferry creates it\n"
                + "target table " + db.name() + ".texts column name has character set latin1 and collation latin1_swedish_ci but the source's has "
                + "utf8mb4 and utf8mb4_general_ci: make them equal\n"
                + "target table " + db.name() + ".typed column v is bigint(20) but the source's is int(11): make them equal", e.getMessage());
        assertEquals(List.of(List.of("0", "0")), db.target().query("SELECT (SELECT COUNT(*) FROM " + db.name() + ".narrow), (SELECT COUNT(*) FROM "
                + db.name() + ".typed)"), "no row is copied");
    }

    @Test
    void missingTableWithCreationOffIsAnError(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE present (id INT NOT NULL PRIMARY KEY)",
                "CREATE TABLE absent (id INT NOT NULL PRIMARY KEY)");
        db.target().execute("CREATE DATABASE " + db.name(), "CREATE TABLE " + db.name() + ".present (id INT NOT NULL PRIMARY KEY)");
        SchemaException e = assertThrows(SchemaException.class, () -> run(db, "copy:\n  createTargetTables: false\n"));
        assertEquals("target table " + db.name() + ".absent (for " + db.name() + ".absent) does not exist: create it, or set copy.createTargetTables: true",
                e.getMessage());
        assertEquals(List.of(List.of("present")),
                db.target().query("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name() + "'"));
    }

    /**
     * Named so that alphabetical order is exactly wrong: a_grandchild references b_child, which
     * references c_parent.
     */
    @Test
    void mysqlCollationAliasesBecomeWhatTheyStandForOnATargetThatLacksThem(TestDatabase db)
            throws Exception
    {
        assumeTrue(db.source().isAtLeast(11, 4), "needs a source with the utf8mb4_0900_* collations (MariaDB 11.4+); source is " + db.source().version());
        db.executeOnSource(
                "CREATE TABLE words (id INT NOT NULL PRIMARY KEY, word VARCHAR(20) COLLATE utf8mb4_0900_ai_ci NOT NULL, UNIQUE KEY (word)) "
                        + "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_de_pb_0900_as_cs",
                "INSERT INTO words VALUES (1, 'Straße'), (2, 'Äpfel'), (3, 'apfel2'), (4, 'Zoë')");
        RunResult result = run(db, "");
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        boolean targetHasAliases = db.target().isAtLeast(11, 4);
        assertEquals(List.of(List.of("word", targetHasAliases ? "utf8mb4_0900_ai_ci" : "utf8mb4_uca1400_nopad_ai_ci")),
                db.target().query("SELECT column_name, collation_name FROM information_schema.columns WHERE table_schema = '" + db.name()
                        + "' AND table_name = 'words' AND collation_name IS NOT NULL"));
        assertEquals(List.of(List.of(targetHasAliases ? "utf8mb4_de_pb_0900_as_cs" : "utf8mb4_uca1400_german2_nopad_as_cs")),
                db.target().query("SELECT table_collation FROM information_schema.tables WHERE table_schema = '" + db.name() + "' AND table_name = 'words'"));
    }

    private static void createFamily(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE c_parent (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)",
                "CREATE TABLE b_child (id INT NOT NULL PRIMARY KEY, parent_id INT NOT NULL, FOREIGN KEY (parent_id) REFERENCES c_parent (id))",
                "CREATE TABLE a_grandchild (id INT NOT NULL PRIMARY KEY, child_id INT NOT NULL, parent_id INT NULL, "
                        + "FOREIGN KEY (child_id) REFERENCES b_child (id) ON DELETE CASCADE, FOREIGN KEY (parent_id) REFERENCES c_parent (id))",
                "INSERT INTO c_parent SELECT seq, CONCAT('p', seq) FROM seq_1_to_500",
                "INSERT INTO b_child SELECT seq, 1 + seq % 500 FROM seq_1_to_2000",
                "INSERT INTO a_grandchild SELECT seq, 1 + seq % 2000, IF(seq % 3 = 0, NULL, 1 + seq % 500) FROM seq_1_to_3000");
    }

    private static void createCycle(TestDatabase db)
    {
        db.executeOnSource(
                "CREATE TABLE hens (id INT NOT NULL PRIMARY KEY, egg_id INT NULL)",
                "CREATE TABLE eggs (id INT NOT NULL PRIMARY KEY, hen_id INT NULL)",
                "ALTER TABLE hens ADD CONSTRAINT hen_egg FOREIGN KEY (egg_id) REFERENCES eggs (id)",
                "ALTER TABLE eggs ADD CONSTRAINT egg_hen FOREIGN KEY (hen_id) REFERENCES hens (id)",
                "INSERT INTO hens SELECT seq, NULL FROM seq_1_to_100",
                "INSERT INTO eggs SELECT seq, seq FROM seq_1_to_100",
                "UPDATE hens SET egg_id = id WHERE id % 2 = 0");
    }

    private static String showCreate(TestDatabase db)
    {
        return db.target().query("SHOW CREATE TABLE " + db.name() + ".items").get(0).get(1);
    }

    private static RunResult run(TestDatabase db, String extra)
            throws InterruptedException
    {
        return TestingFerry.run(db.servers(), TestingFerry.config(db.servers(), db.name(), extra) + "cutover:\n  automatic: true\n");
    }
}
