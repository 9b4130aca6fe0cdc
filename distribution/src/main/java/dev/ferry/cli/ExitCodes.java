package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.config.ConfigException;
import dev.ferry.runtime.schema.SchemaException;
import dev.ferry.runtime.state.StateException;

/**
 * The exit code of a failed run, for supervisors: only {@link Main#EXIT_FAILURE} is worth
 * retrying with the same command line; the others need an operator.
 */
final class ExitCodes
{
    private ExitCodes() {}

    static int of(FerryException failure, VerificationResult lastVerification)
    {
        if (failure instanceof ConfigException) {
            return Main.EXIT_USAGE;
        }
        if (failure instanceof StateException || failure instanceof SchemaException) {
            return Main.EXIT_STATE;
        }
        if (lastVerification.failed()) {
            return Main.EXIT_VERIFICATION;
        }
        return Main.EXIT_FAILURE;
    }
}
