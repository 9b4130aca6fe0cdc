package dev.ferry.plugins.verifiers;

import dev.ferry.api.verify.VerifierFactory;

class ChecksumTableVerifierIT
        extends VerifierContractIT
{
    @Override
    protected VerifierFactory factory()
    {
        return new ChecksumTableVerifierFactory();
    }

    @Override
    protected boolean reportsKeys()
    {
        return false;
    }

    @Override
    protected boolean supportsIgnoredColumns()
    {
        return false;
    }

    @Override
    protected boolean supportsCopyFilter()
    {
        return false;
    }
}
