package dev.ferry.runtime.ddl;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DdlStatementsTest
{
    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE t (id INT)",
            "create table t (id int)",
            "ALTER TABLE t ADD c INT",
            "DROP TABLE t",
            "RENAME TABLE a TO b",
            "TRUNCATE t",
            "GRANT SELECT ON *.* TO u",
            "REVOKE ALL ON *.* FROM u",
            "  \n\tCREATE DATABASE d",
            "/* leading */ DROP TABLE t",
            "/* one */ /* two */ALTER TABLE t FORCE",
            "-- comment\nCREATE INDEX i ON t (c)",
            "# comment\nDROP INDEX i ON t",
            "/*!40000 ALTER TABLE `t` DISABLE KEYS */",
            "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`%` SQL SECURITY DEFINER */ /*!50001 VIEW `v` AS SELECT 1 */",
            "/*M!100100 CREATE TABLE t (id INT) */",
            "/*!CREATE TABLE t (id INT) */",
            "CREATE",
    })
    void schemaStatements(String sql)
    {
        assertTrue(DdlStatements.isSchemaStatement(sql), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "BEGIN",
            "COMMIT",
            "ROLLBACK",
            "ROLLBACK TO SAVEPOINT s",
            "SAVEPOINT s",
            "XA START 'x'",
            "XA COMMIT 'x'",
            "INSERT INTO t VALUES (1)",
            "UPDATE t SET c = 1",
            "DELETE FROM t",
            "REPLACE INTO t VALUES (1)",
            "SET PASSWORD FOR u = 'x'",
            "SET @a = 1",
            "FLUSH PRIVILEGES",
            "FLUSH TABLES",
            "ANALYZE TABLE t",
            "OPTIMIZE TABLE t",
            "/* CREATE TABLE t (id INT) */ INSERT INTO t VALUES (1)",
            "-- CREATE TABLE t\nUPDATE t SET c = 1",
            "--CREATE TABLE t",
            "/*!40101 SET NAMES utf8 */",
            "CREATED",
            "CREATEx TABLE t",
            "DROPPED",
            "",
            "   ",
            "/* unterminated",
            "-- only a comment",
            "SELECT 1",
            "CALL p()",
    })
    void otherStatements(String sql)
    {
        assertFalse(DdlStatements.isSchemaStatement(sql), sql);
    }
}
