/**
 * Built-in verifiers: {@code none}, {@code checksum-table}, {@code iterative} and {@code inline}.
 */
module dev.ferry.plugins.verifiers {
    requires dev.ferry.api;
    requires com.fasterxml.jackson.databind;

    // the row comparison, for its JMH benchmark only: not an API
    exports dev.ferry.plugins.verifiers to dev.ferry.benchmarks;

    provides dev.ferry.api.verify.VerifierFactory with
            dev.ferry.plugins.verifiers.NoneVerifierFactory,
            dev.ferry.plugins.verifiers.ChecksumTableVerifierFactory,
            dev.ferry.plugins.verifiers.IterativeVerifierFactory,
            dev.ferry.plugins.verifiers.InlineVerifierFactory;
}
