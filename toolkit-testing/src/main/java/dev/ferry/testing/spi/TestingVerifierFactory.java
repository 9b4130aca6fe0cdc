package dev.ferry.testing.spi;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;

/**
 * {@code verifier.type: none}, verifying nothing: for tests that run ferry in-process in modules
 * that cannot see the built-in verifiers; register it in the test's
 * {@code META-INF/services/dev.ferry.api.verify.VerifierFactory}.
 */
public final class TestingVerifierFactory
        implements VerifierFactory
{
    @Override
    public String name()
    {
        return "none";
    }

    @Override
    public Verifier create(PluginConfig config, PluginContext context)
    {
        return () -> VerificationResult.notRun("testing: no verification");
    }
}
