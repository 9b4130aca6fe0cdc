/**
 * Built-in state stores.
 */
module dev.ferry.plugins.state {
    requires dev.ferry.api;
}
