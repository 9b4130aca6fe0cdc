package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;

import static java.util.Objects.requireNonNull;

/**
 * {@code verifier.type: iterative}.
 *
 * @param comparison the shared row-comparison settings
 * @param concurrency tables or key ranges verified at once ({@code concurrency}, default 4)
 */
record IterativeVerifierConfig(ComparisonConfig comparison, int concurrency)
{
    static final int DEFAULT_CONCURRENCY = 4;

    IterativeVerifierConfig
    {
        requireNonNull(comparison, "comparison is null");
    }

    static IterativeVerifierConfig bind(PluginConfig config)
    {
        ComparisonConfig comparison = ComparisonConfig.bind(config);
        int concurrency = config.integer("concurrency", DEFAULT_CONCURRENCY, 1, 256);
        return new IterativeVerifierConfig(comparison, concurrency);
    }
}
