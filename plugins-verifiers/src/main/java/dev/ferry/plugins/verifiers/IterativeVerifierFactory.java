package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;

/**
 * {@code verifier.type: iterative}: once the copy is done, fingerprints every row on both sides,
 * records rows changed meanwhile, and at cutover re-verifies only those and the ones that differed.
 */
public final class IterativeVerifierFactory
        implements VerifierFactory
{
    @Override
    public String name()
    {
        return "iterative";
    }

    @Override
    public String description()
    {
        return "fingerprints every row after the copy, re-verifies changed rows at cutover";
    }

    @Override
    public Verifier create(PluginConfig config, PluginContext context)
    {
        return new IterativeVerifier(IterativeVerifierConfig.bind(config), context);
    }
}
