/**
 * The test harness: real MySQL-family servers for integration tests ({@code dev.ferry.testing})
 * and the plugin SPI test kit ({@code dev.ferry.testing.spi}).
 */
module dev.ferry.testing {
    requires transitive org.junit.jupiter.api;
    requires transitive java.sql;
    requires transitive dev.ferry.api;
    requires dev.ferry.config;

    exports dev.ferry.testing;
    exports dev.ferry.testing.spi;
}
