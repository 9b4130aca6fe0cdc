package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;

/**
 * {@code verifier.type: none}: no verification; the cutover result says so explicitly.
 */
public final class NoneVerifierFactory
        implements VerifierFactory
{
    @Override
    public String name()
    {
        return "none";
    }

    @Override
    public String description()
    {
        return "no verification";
    }

    @Override
    public Verifier create(PluginConfig config, PluginContext context)
    {
        return () -> VerificationResult.notRun("verification disabled (verifier.type: none)");
    }
}
