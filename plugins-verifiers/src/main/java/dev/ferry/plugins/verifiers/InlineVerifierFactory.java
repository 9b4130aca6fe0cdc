package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;

/**
 * {@code verifier.type: inline}: compares every copied batch with the target inside the copy's
 * transaction, and re-verifies rows changed by the binlog in the background.
 */
public final class InlineVerifierFactory
        implements VerifierFactory
{
    @Override
    public String name()
    {
        return "inline";
    }

    @Override
    public String description()
    {
        return "compares every copied batch in its transaction, re-verifies changed rows in the background";
    }

    @Override
    public Verifier create(PluginConfig config, PluginContext context)
    {
        return new InlineVerifier(InlineVerifierConfig.bind(config), context);
    }
}
