/**
 * The one binding of a config section to the SPI's {@link dev.ferry.api.PluginConfig}: the
 * runtime binds the config file with it, and {@code toolkit-testing}'s SPI test kit binds plugin
 * test configs with it, so a plugin's tests see exactly the rules and messages users see.
 */
module dev.ferry.config {
    requires transitive dev.ferry.api;
    requires transitive com.fasterxml.jackson.databind;

    exports dev.ferry.config;
}
