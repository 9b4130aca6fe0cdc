package dev.ferry.plugins.state;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.state.StateStore;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingDataSource;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@RealServers
class TargetDbStateStoreIT
        extends StateStoreContract
{
    private static final PositionPair FIRST_POSITION = new PositionPair(
            new BinlogPosition("bin.000003", 4711, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"),
            new BinlogPosition("bin.000003", 4000, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-4"));
    private static final PositionPair SECOND_POSITION = PositionPair.at(new BinlogPosition("bin.000004", 18446744073709551L, null));

    private TestDatabase db;
    private long nextRunId = 4_294_967_295L;

    @BeforeEach
    void setUp(TestDatabase db)
    {
        this.db = db;
    }

    @Override
    protected StateStore newStore()
    {
        return open("ferry_state", nextRunId--);
    }

    @Override
    protected StateStore reopen(StateStore store)
    {
        store.close();
        return open("ferry_state", ((TargetDbStateStore) store).runId());
    }

    private TargetDbStateStore open(String table, long runId)
    {
        TargetDbStateStore store = new TargetDbStateStore(new TargetDbStateConfig(db.name(), table, true),
                TestingPluginContext.builder().target(TestingDataSource.of(db.target(), "")).runId(runId).build());
        store.start();
        return store;
    }

    @Test
    void createsTheDocumentedStateTable()
    {
        newStore();
        assertEquals(List.of(
                        List.of("run_id", "bigint unsigned", "PRI"),
                        List.of("document", "longtext", ""),
                        List.of("position_file", "varchar(512)", ""),
                        List.of("position_offset", "bigint unsigned", ""),
                        List.of("position_gtid", "text", ""),
                        List.of("position_resume_file", "varchar(512)", ""),
                        List.of("position_resume_offset", "bigint unsigned", ""),
                        List.of("position_resume_gtid", "text", ""),
                        List.of("updated_at", "timestamp(6)", "")),
                // MariaDB and MySQL 5.7 show a display width
                db.target().query("SELECT column_name, REPLACE(column_type, 'bigint(20)', 'bigint'), column_key FROM information_schema.columns "
                        + "WHERE table_schema = '" + db.name() + "' AND table_name = 'ferry_state' ORDER BY ordinal_position"));
    }

    @Test
    void positionCommitsWithTheCallersTransaction()
            throws Exception
    {
        StateStore store = newStore();
        db.executeOnTarget("CREATE TABLE applied (id INT PRIMARY KEY)");
        try (Connection transaction = db.openTarget()) {
            transaction.setAutoCommit(false);
            try (Statement statement = transaction.createStatement()) {
                statement.executeUpdate("INSERT INTO applied VALUES (1)");
            }
            store.writePosition(transaction, FIRST_POSITION);
            assertEquals(Optional.empty(), store.readPosition(), "not visible before the commit");
            transaction.commit();
        }
        assertEquals(Optional.of(FIRST_POSITION), reopen(store).readPosition());
        assertEquals(1, db.target().queryLong("SELECT COUNT(*) FROM " + db.name() + ".applied"));
    }

    @Test
    void positionRollsBackWithTheCallersTransaction()
            throws Exception
    {
        StateStore store = newStore();
        db.executeOnTarget("CREATE TABLE applied (id INT PRIMARY KEY)");
        try (Connection transaction = db.openTarget()) {
            transaction.setAutoCommit(false);
            store.writePosition(transaction, FIRST_POSITION);
            transaction.commit();
            try (Statement statement = transaction.createStatement()) {
                statement.executeUpdate("INSERT INTO applied VALUES (2)");
            }
            store.writePosition(transaction, SECOND_POSITION);
            transaction.rollback();
        }
        assertEquals(Optional.of(FIRST_POSITION), store.readPosition());
        assertEquals(0, db.target().queryLong("SELECT COUNT(*) FROM " + db.name() + ".applied"));
    }

    @Test
    void documentAndPositionDoNotOverwriteEachOther()
            throws Exception
    {
        StateStore store = newStore();
        store.write(FIRST);
        try (Connection transaction = db.openTarget()) {
            transaction.setAutoCommit(false);
            store.writePosition(transaction, SECOND_POSITION);
            transaction.commit();
        }
        store.write(SECOND);
        StateStore resumed = reopen(store);
        assertEquals(Optional.of(SECOND), resumed.read());
        assertEquals(Optional.of(SECOND_POSITION), resumed.readPosition());
    }

    @Test
    void keepsOneRowPerRun()
    {
        StateStore first = newStore();
        StateStore second = newStore();
        first.write(FIRST);
        second.write(SECOND);
        assertEquals(Optional.of(FIRST), reopen(first).read());
        assertEquals(Optional.of(SECOND), reopen(second).read());
        assertEquals(2, db.target().queryLong("SELECT COUNT(*) FROM " + db.name() + ".ferry_state"));
    }

    @Test
    void refusesAnEmptyDocumentAndNeverOverwritesIt()
    {
        TargetDbStateStore store = (TargetDbStateStore) newStore();
        store.write(FIRST);
        db.executeOnTarget("UPDATE ferry_state SET document = '' WHERE run_id = " + store.runId());
        FerryException e = assertThrows(FerryException.class, store::read);
        String table = "`" + db.name() + "`.`ferry_state`";
        String refusal = "the state in table " + table + " on the target (run_id " + store.runId() + ") holds an empty document, so ferry did not write it; "
                + "ferry never overwrites it automatically: delete the row (DELETE FROM " + table + " WHERE run_id = " + store.runId() + ") to start over";
        assertEquals(refusal, e.getMessage());
        FerryException write = assertThrows(FerryException.class, () -> store.write(SECOND));
        assertEquals("refusing to save the state: " + refusal, write.getMessage());
        assertEquals(List.of(List.of("")), db.target().query("SELECT document FROM " + table));
    }

    @Test
    void refusesATableThatIsNotAStateTable()
    {
        newStore();
        db.executeOnTarget("CREATE TABLE other (id INT PRIMARY KEY)");
        FerryException e = assertThrows(FerryException.class, () -> open("other", 1));
        assertTrue(e.getMessage().startsWith("the table `" + db.name() + "`.`other` on the target is not a ferry state table ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("): choose another state.table"), e.getMessage());
    }
}
