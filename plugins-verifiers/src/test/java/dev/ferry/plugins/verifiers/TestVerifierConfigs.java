package dev.ferry.plugins.verifiers;

import dev.ferry.api.filter.CopyFilter;
import dev.ferry.api.filter.SqlPredicate;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.api.verify.VerifierFactory;
import dev.ferry.testing.spi.TestingPluginConfig;
import dev.ferry.testing.spi.TestingPluginContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestVerifierConfigs
{
    @Test
    void iterativeDefaults()
    {
        TestingPluginConfig config = TestingPluginConfig.of("verifier", Map.of());
        IterativeVerifierConfig bound = IterativeVerifierConfig.bind(config);
        assertEquals(new IterativeVerifierConfig(new ComparisonConfig("verifier", 1000, 10, 200_000, Map.of(), Map.of()), 4), bound);
        assertEquals(List.of(), config.problems());
    }

    @Test
    void iterativeExplicitMapping()
    {
        TestingPluginConfig config = TestingPluginConfig.of("verifier", Map.of(
                "batchSize", 250,
                "concurrency", 8,
                "maxReportedKeys", 3,
                "maxTrackedKeys", 5000,
                "ignoredColumns", Map.of("shop.orders", List.of("updated_at", "lock_version")),
                "compressedColumns", Map.of("shop.docs", Map.of("body", "snappy", "Title", "SNAPPY"))));
        IterativeVerifierConfig bound = IterativeVerifierConfig.bind(config);
        assertEquals(List.of(), config.problems());
        assertEquals(List.of(), config.unreadKeys());
        assertEquals(new IterativeVerifierConfig(new ComparisonConfig("verifier", 250, 3, 5000,
                Map.of(new TableName("shop", "orders"), List.of("updated_at", "lock_version")),
                Map.of(new TableName("shop", "docs"), Map.of("body", "snappy", "Title", "snappy"))), 8), bound);
    }

    @Test
    void inlineDefaults()
    {
        TestingPluginConfig config = TestingPluginConfig.of("verifier", Map.of());
        InlineVerifierConfig bound = InlineVerifierConfig.bind(config);
        assertEquals(new InlineVerifierConfig(ComparisonConfig.defaults(), Duration.ofSeconds(1), Optional.empty(), true, 4), bound);
        assertEquals(List.of(), config.problems());
    }

    @Test
    void inlineExplicitMapping()
    {
        TestingPluginConfig config = TestingPluginConfig.of("verifier", Map.of("interval", "250ms", "maxExpectedDowntime", "30s", "batchSize", 10, "checkExtraRows", false, "concurrency", 2));
        InlineVerifierConfig bound = InlineVerifierConfig.bind(config);
        assertEquals(List.of(), config.problems());
        assertEquals(List.of(), config.unreadKeys());
        assertEquals(Duration.ofMillis(250), bound.interval());
        assertEquals(Optional.of(Duration.ofSeconds(30)), bound.maxExpectedDowntime());
        assertEquals(10, bound.comparison().batchSize());
        assertEquals(false, bound.checkExtraRows());
        assertEquals(2, bound.concurrency());
    }

    @Test
    void reportsEveryProblemAtOnce()
    {
        TestingPluginConfig config = TestingPluginConfig.of("verifier", Map.of(
                "batchSize", 0,
                "interval", "0s",
                "ignoredColumns", Map.of("orders", List.of("x")),
                "compressedColumns", Map.of("shop.docs", Map.of("body", "lz4"))));
        InlineVerifierConfig.bind(config);
        assertEquals(new TreeSet<>(List.of(
                        "verifier.batchSize: must be between 1 and 100000 (got 0)",
                        "verifier.interval: must be positive (got PT0S)",
                        "verifier.ignoredColumns.orders: expected a table name written database.table (got \"orders\")",
                        "verifier.compressedColumns.shop.docs.body: unknown compression algorithm \"lz4\"; supported: snappy")),
                new TreeSet<>(config.problems()));
    }

    @Test
    void checksumTableRefusesACopyFilter()
    {
        CopyFilter filter = new CopyFilter()
        {
            @Override
            public Optional<SqlPredicate> copyPredicate(TableSchema table)
            {
                return Optional.empty();
            }

            @Override
            public boolean matches(TableSchema table, Row row)
            {
                return true;
            }
        };
        TestingPluginConfig config = TestingPluginConfig.of("verifier", Map.of());
        new ChecksumTableVerifierFactory().create(config, TestingPluginContext.builder().copyFilter(filter).build());
        assertEquals(List.of("verifier: checksum-table compares whole tables and cannot honour the copy filter (copyFilter); "
                + "use verifier.type inline or iterative, which compare only the rows the filter moves"), config.problems());

        TestingPluginConfig unfiltered = TestingPluginConfig.of("verifier", Map.of());
        new ChecksumTableVerifierFactory().create(unfiltered, TestingPluginContext.offline());
        assertEquals(List.of(), unfiltered.problems());
    }

    @Test
    void factoriesAreRegistered()
    {
        TreeSet<String> names = new TreeSet<>();
        for (VerifierFactory factory : ServiceLoader.load(VerifierFactory.class)) {
            names.add(factory.name());
        }
        assertEquals(new TreeSet<>(List.of("checksum-table", "inline", "iterative", "none")), names);
    }
}
