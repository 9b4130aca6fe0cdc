/**
 * Built-in throttlers.
 */
module dev.ferry.plugins.throttlers {
    requires dev.ferry.api;
}
