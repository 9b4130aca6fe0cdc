package dev.ferry.runtime.copy;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.TestingFerry;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

@RealServers
class CopyIT
{
    @Test
    void copiesIntegerKeyedTableInParallelRanges(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE items (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, payload BLOB)",
                "INSERT INTO items SELECT seq, CONCAT('item-', seq), UNHEX(SHA2(seq, 256)) FROM seq_1_to_20000",
                "INSERT INTO items VALUES (18446744073709551615, 'max', NULL), (0, 'zero', x'00ff00')",
                "ANALYZE TABLE items");
        RunResult result = TestingFerry.run(db.servers(), TestingFerry.config(db.servers(), db.name(),
                "copy:\n  batchSize: 700\n  concurrency: 3\n  rangeSize: 1000\ncutover:\n  automatic: true\n"));
        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        assertEquals(20002, result.rowsCopied());
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
    }
}
