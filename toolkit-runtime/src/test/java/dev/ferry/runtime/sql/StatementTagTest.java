package dev.ferry.runtime.sql;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatementTagTest
{
    private final StatementTag tag = StatementTag.forRun(1234567890);

    @Test
    void tagsTheStartOfAStatement()
    {
        assertEquals("/* ferry run 1234567890 */ INSERT IGNORE INTO `db`.`t` VALUES (?)", tag.apply("INSERT IGNORE INTO `db`.`t` VALUES (?)"));
        assertEquals("/* ferry run 1234567890 */ ", tag.prefix());
        assertEquals("DELETE FROM t", StatementTag.NONE.apply("DELETE FROM t"));
        assertEquals("", StatementTag.NONE.prefix());
    }

    @Test
    void recognisesItsOwnStatementsAsTheServerLogsThem()
    {
        // MariaDB's Annotate_rows and DDL query events keep the text as sent
        assertTrue(tag.marks("/* ferry run 1234567890 */ LOAD DATA LOCAL INFILE 'ferry-batch' IGNORE INTO TABLE `shop`.`big`"));
        assertTrue(tag.marks("  \n/* ferry run 1234567890 */ ALTER TABLE `shop`.`big` ADD COLUMN x INT"));
        // a server may drop the space after the comment, and the text may be cut short right after it
        assertTrue(tag.marks("/* ferry run 1234567890 */UPDATE t SET a = 1"));
        assertTrue(tag.marks("/* ferry run 1234567890 */"));
    }

    @Test
    void othersStatementsAreNotItsOwn()
    {
        assertFalse(tag.marks("UPDATE shop.big SET c='TAMPERED' WHERE id=778"));
        assertFalse(tag.marks(null));
        assertFalse(tag.marks(""));
        // another run, or a run id that only starts like this one's
        assertFalse(tag.marks("/* ferry run 123456789 */ DELETE FROM t"));
        assertFalse(tag.marks("/* ferry run 12345678901 */ DELETE FROM t"));
        // the tag anywhere but at the start: in a string, after another comment
        assertFalse(tag.marks("INSERT INTO t VALUES ('/* ferry run 1234567890 */')"));
        assertFalse(tag.marks("/* app */ /* ferry run 1234567890 */ DELETE FROM t"));
        // cut short inside the tag
        assertFalse(tag.marks("/* ferry run 1234567"));
        assertFalse(StatementTag.NONE.marks("DELETE FROM t"));
        assertFalse(StatementTag.NONE.marks(""));
    }

    @Test
    void readsTheRunIdOfAnyTag()
    {
        assertEquals(1234567890, StatementTag.runIdOf(tag.apply("DELETE FROM t")));
        assertEquals(42, StatementTag.runIdOf(" /* ferry run 42 */UPDATE t SET a = 1"));
        assertEquals(-1, StatementTag.runIdOf("/* ferry run */ DELETE FROM t"));
        assertEquals(-1, StatementTag.runIdOf("/* ferry run 42"));
        assertEquals(-1, StatementTag.runIdOf("DELETE FROM t /* ferry run 42 */"));
        assertEquals(-1, StatementTag.runIdOf(null));
    }

    @Test
    void runIdsAreReplicationServerIds()
    {
        assertEquals("/* ferry run 4294967295 */ ", StatementTag.forRun(4294967295L).prefix());
        assertThrows(IllegalArgumentException.class, () -> StatementTag.forRun(0));
        assertThrows(IllegalArgumentException.class, () -> StatementTag.forRun(4294967296L));
    }
}
