package dev.ferry.plugins.verifiers;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingDataSource;
import dev.ferry.testing.spi.TestingPluginContext;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * SPI test kit contexts for verifier tests: the unprivileged ferry user on both servers with
 * ferry's session settings (UTC, raw result bytes), and the tables of the test database as the
 * runtime's schema loader sees them.
 */
final class VerifierContexts
{
    private static final String SESSION = "SET time_zone = '+00:00', character_set_results = binary";

    private VerifierContexts() {}

    static TestingPluginContext connect(TestDatabase db, Optional<CopyFilter> copyFilter)
            throws SQLException
    {
        TestingDataSource source = TestingDataSource.of(db.source(), db.name()).withSessionSql(SESSION);
        TestingPluginContext.Builder context = TestingPluginContext.builder()
                .source(source)
                .target(TestingDataSource.of(db.target(), db.name()).withSessionSql(SESSION))
                .copyFilter(copyFilter);
        SchemaLoader loader = new SchemaLoader(source);
        Map<TableName, TableSchema> tables = new TreeMap<>();
        for (TableName table : loader.tables(db.name())) {
            loader.load(table).ifPresent(schema -> tables.put(table, schema));
        }
        return context.tables(tables.values()).build();
    }
}
