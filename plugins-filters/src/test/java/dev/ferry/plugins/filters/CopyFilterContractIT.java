package dev.ferry.plugins.filters;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.CopyFilterFactory;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.schema.SchemaLoader;
import dev.ferry.runtime.sql.SessionSettings;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import dev.ferry.testing.spi.TestingDataSource;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of every copy filter: the rows its copy predicate selects on the server are
 * exactly the rows for which {@link CopyFilter#matches} is true, so that the copy and the binlog
 * apply move the same rows. Each implementation provides tables with rows on the edges of its
 * semantics (NULLs, collations, padding, unsigned and decimal numbers, dates) and configs.
 */
@RealServers
abstract class CopyFilterContractIT
{
    /**
     * Statements that create and fill the tables on the source. The first column of every table
     * identifies its rows.
     */
    protected abstract List<String> schema();

    protected abstract CopyFilterFactory factory();

    /**
     * Configs of the filter (YAML keys without {@code type}) for the tables of {@code database}.
     */
    protected abstract List<String> configs(String database);

    @Test
    void copyPredicateAndMatchesAgreeOnEveryRow(TestDatabase db)
            throws Exception
    {
        db.executeOnSource(schema().toArray(new String[0]));
        DataSource source = TestingDataSource.of(db.source(), db.name()).withSessionSql(SessionSettings.initSql(true, true));
        List<TableSchema> tables = tables(source, db.name());
        TestingPluginContext context = TestingPluginContext.builder().source(source).tables(tables).build();
        int rows = 0;
        for (String yaml : configs(db.name())) {
            TestingPluginConfig config = TestingYaml.copyFilter(yaml);
            CopyFilter filter = factory().create(config, context);
            assertEquals(List.of(), config.problems(), yaml);
            assertEquals(List.of(), filter.check(tables), yaml);
            for (TableSchema table : tables) {
                Optional<SqlPredicate> predicate = filter.copyPredicate(table);
                TreeSet<String> selected = new TreeSet<>();
                TreeSet<String> matched = new TreeSet<>();
                for (Row row : read(source, table, predicate)) {
                    selected.add(new String(row.get(0), StandardCharsets.UTF_8));
                }
                for (Row row : read(source, table, Optional.empty())) {
                    rows++;
                    if (filter.matches(table, row)) {
                        matched.add(new String(row.get(0), StandardCharsets.UTF_8));
                    }
                }
                assertEquals(selected, matched, table.name() + " under " + yaml.strip() + "\n(" + predicate.map(SqlPredicate::sql).orElse("whole") + ")");
            }
        }
        assertTrue(rows > 0, "no rows compared");
    }

    static List<TableSchema> tables(DataSource source, String database)
            throws SQLException
    {
        SchemaLoader loader = new SchemaLoader(source);
        List<TableSchema> tables = new ArrayList<>();
        for (var name : loader.tables(database)) {
            loader.load(name).ifPresent(tables::add);
        }
        return tables;
    }

    /**
     * The table's rows in table column order as ferry reads them, under the predicate if any.
     */
    static List<Row> read(DataSource source, TableSchema table, Optional<SqlPredicate> predicate)
            throws SQLException
    {
        String sql = "SELECT * FROM " + table.name().quoted() + predicate.map(p -> " WHERE " + p.sql()).orElse("");
        List<Row> rows = new ArrayList<>();
        try (Connection connection = source.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            if (predicate.isPresent()) {
                for (int i = 0; i < predicate.get().parameters().size(); i++) {
                    statement.setObject(i + 1, predicate.get().parameters().get(i));
                }
            }
            try (ResultSet result = statement.executeQuery()) {
                int width = table.columns().size();
                while (result.next()) {
                    byte[][] values = new byte[width][];
                    for (int i = 0; i < width; i++) {
                        values[i] = result.getBytes(i + 1);
                    }
                    rows.add(Row.wrap(values));
                }
            }
        }
        return rows;
    }
}
