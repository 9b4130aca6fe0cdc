/**
 * Built-in state stores: {@code stdout}, {@code file} and {@code target-db}.
 */
module dev.ferry.plugins.state {
    requires dev.ferry.api;

    provides dev.ferry.api.state.StateStoreFactory with
            dev.ferry.plugins.state.StdoutStateStoreFactory,
            dev.ferry.plugins.state.FileStateStoreFactory,
            dev.ferry.plugins.state.TargetDbStateStoreFactory;
}
