package dev.ferry.plugins.verifiers;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.verify.Verifier;
import dev.ferry.api.verify.VerifierFactory;

/**
 * {@code verifier.type: checksum-table}: {@code CHECKSUM TABLE} on both sides at cutover. Cheap to
 * set up, but it compares whole tables (so it cannot honour a copy filter), names no keys, and
 * needs both sides to store rows alike (same server family, version and column definitions).
 */
public final class ChecksumTableVerifierFactory
        implements VerifierFactory
{
    @Override
    public String name()
    {
        return "checksum-table";
    }

    @Override
    public String description()
    {
        return "CHECKSUM TABLE on source and target at cutover";
    }

    @Override
    public Verifier create(PluginConfig config, PluginContext context)
    {
        if (context.copyFilter().isPresent()) {
            config.problem(null, "checksum-table compares whole tables and cannot honour the copy filter (copyFilter); "
                    + "use verifier.type inline or iterative, which compare only the rows the filter moves");
        }
        return new ChecksumTableVerifier(context);
    }
}
