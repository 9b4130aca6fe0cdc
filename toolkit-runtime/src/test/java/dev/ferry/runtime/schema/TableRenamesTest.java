package dev.ferry.runtime.schema;

import dev.ferry.api.model.TableName;
import dev.ferry.runtime.ddl.DdlParser;
import dev.ferry.runtime.ddl.ParsedDdl;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableRenamesTest
{
    private static final TableName A = TableName.parse("shop.a");
    private static final TableName B = TableName.parse("shop.b");
    private static final TableName C = TableName.parse("shop.c");

    @Test
    void aTableIsFollowedThroughSeveralRenames()
    {
        TableRenames renames = new TableRenames();
        record(renames, "RENAME TABLE a TO b");
        record(renames, "ALTER TABLE b ADD COLUMN x INT, RENAME TO c");

        TableRenames.Fate fate = renames.fate(A, 0);
        assertTrue(fate.renamed());
        assertEquals(C, fate.current());
        assertEquals(2, fate.version());
        // the name b was only known after the first statement
        assertEquals(C, renames.fate(B, 1).current());
        assertFalse(renames.fate(C, 2).renamed());
    }

    @Test
    void aSwapThroughATemporaryNameExchangesIdentities()
    {
        TableRenames renames = new TableRenames();
        record(renames, "RENAME TABLE a TO tmp, b TO a, tmp TO b");

        assertEquals(B, renames.fate(A, 0).current());
        assertEquals(A, renames.fate(B, 0).current());
    }

    @Test
    void anOnlineSchemaChangeSwapMovesTheOldTableAwayAndItsDropEndsIt()
    {
        TableRenames renames = new TableRenames();
        record(renames, "CREATE TABLE _a_new LIKE a");
        assertEquals(0, renames.version(), "statements without renames or drops are not recorded");
        record(renames, "RENAME TABLE a TO _a_old, _a_new TO a");

        assertEquals(TableName.parse("shop._a_old"), renames.fate(A, 0).current());
        record(renames, "DROP TABLE _a_old");
        assertTrue(renames.fate(A, 0).gone());
        // the table that now has the name a was created during the run: nothing to follow
        assertFalse(renames.fate(A, 2).renamed());
    }

    @Test
    void aNameReusedByAnotherTableDoesNotCaptureTheOriginal()
    {
        TableRenames renames = new TableRenames();
        record(renames, "RENAME TABLE a TO b");
        record(renames, "RENAME TABLE a TO c"); // a new table a, created in between
        assertEquals(B, renames.fate(A, 0).current());

        TableRenames dropped = new TableRenames();
        record(dropped, "DROP TABLE a");
        record(dropped, "RENAME TABLE a TO c");
        assertNull(dropped.fate(A, 0).current(), "the table copied as a was dropped; the renamed a is another table");
    }

    @Test
    void renamingBackToTheSameNameIsNoRename()
    {
        TableRenames renames = new TableRenames();
        record(renames, "RENAME TABLE a TO b");
        record(renames, "RENAME TABLE b TO a");
        TableRenames.Fate fate = renames.fate(A, 0);
        assertFalse(fate.renamed());
        assertFalse(fate.gone());
    }

    @Test
    void droppingTheDatabaseDropsItsTables()
    {
        TableRenames renames = new TableRenames();
        renames.record(Map.of(), List.of(), Set.of("shop"));
        assertTrue(renames.fate(A, 0).gone());
        assertFalse(renames.fate(TableName.parse("other.a"), 0).gone());
    }

    @Test
    void renamesAboutToRunArePendingUntilRecordedOrAbandoned()
    {
        TableRenames renames = new TableRenames();
        renames.expect(Map.of(A, B));
        assertEquals(Map.of(A, B), renames.pending());
        assertFalse(renames.fate(A, 0).renamed(), "not renamed before it ran");
        renames.record(Map.of(A, B), List.of(A), List.of());
        assertEquals(Map.of(), renames.pending());
        assertEquals(B, renames.fate(A, 0).current());

        renames.expect(Map.of(B, C));
        renames.abandon();
        assertEquals(Map.of(), renames.pending());
        assertEquals(B, renames.fate(A, 0).current());
    }

    @Test
    void versionsOutsideTheLogAreRejected()
    {
        TableRenames renames = new TableRenames();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> renames.fate(A, 1));
        assertEquals("version 1 is not between 0 and 0", e.getMessage());
    }

    private static void record(TableRenames renames, String sql)
    {
        ParsedDdl ddl = DdlParser.parse(sql, "shop");
        renames.record(ddl.renames(), ddl.dropped(), ddl.databasesDropped());
    }
}
