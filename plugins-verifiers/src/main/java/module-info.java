/**
 * Built-in verifiers.
 */
module dev.ferry.plugins.verifiers {
    requires dev.ferry.api;

    provides dev.ferry.api.verify.VerifierFactory with
            dev.ferry.plugins.verifiers.NoneVerifierFactory;
}
