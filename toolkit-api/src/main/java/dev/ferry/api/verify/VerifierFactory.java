package dev.ferry.api.verify;

import dev.ferry.api.PluginFactory;

/**
 * Factory for {@link Verifier}s, selected by {@code verifier.type}.
 */
public interface VerifierFactory
        extends PluginFactory<Verifier>
{
}
