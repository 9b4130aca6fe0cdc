package dev.ferry.runtime.schema;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.DatabaseConfig;
import dev.ferry.runtime.sql.DataSources;
import dev.ferry.testing.MySqlServer;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database's schemas read in one go ({@link SchemaLoader#loadAll}, as discovery and the target's
 * preparation do) are exactly what reading each table alone gives.
 */
@RealServers
class SchemaLoaderIT
{
    @Test
    void loadAllReadsEveryTableAsLoadingItAloneDoes(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE parent (id INT NOT NULL, region CHAR(2) NOT NULL, name VARCHAR(40) COLLATE utf8mb4_bin, "
                        + "PRIMARY KEY (id, region), UNIQUE KEY name_u (name), KEY prefix_k (name(5)))",
                "CREATE TABLE child (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, parent_id INT, parent_region CHAR(2), "
                        + "kind ENUM('a','b,c','d''e') NOT NULL, flags SET('x','y'), total DECIMAL(10,2), "
                        + "doubled DECIMAL(11,2) AS (total * 2) STORED, "
                        + "CONSTRAINT child_parent FOREIGN KEY (parent_id, parent_region) REFERENCES parent (id, region) ON DELETE CASCADE)",
                "CREATE TABLE self_ref (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES self_ref (id) ON DELETE SET NULL)",
                "CREATE TABLE keyless (a INT, b TEXT)",
                "CREATE VIEW v AS SELECT id FROM parent");
        try (HikariDataSource source = dataSource(db.source())) {
            SchemaLoader loader = new SchemaLoader(source);
            Map<TableName, TableSchema> all = loader.loadAll(db.name());
            for (String table : new String[] {"parent", "child", "self_ref", "keyless"}) {
                TableName name = new TableName(db.name(), table);
                assertTrue(all.containsKey(name), table + " missing from " + all.keySet());
                assertEquals(loader.load(name).orElseThrow(), all.get(name), table);
            }
            TableSchema child = all.get(new TableName(db.name(), "child"));
            assertEquals(1, child.foreignKeys().size(), child.toString());
            assertEquals(3, all.get(new TableName(db.name(), "parent")).indexes().size());
            assertEquals(Optional.empty(), loader.load(new TableName(db.name(), "no_such_table")));
        }
    }

    private static HikariDataSource dataSource(MySqlServer server)
    {
        DatabaseConfig config = new DatabaseConfig(server.host(), server.port(), server.user(), Optional.of(server.password()), Map.of(), "disabled",
                Duration.ofSeconds(10));
        return DataSources.create(config, "schema-loader-it", 2, true, true);
    }
}
