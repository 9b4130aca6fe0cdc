/**
 * The plugin SPI test kit: a {@link dev.ferry.testing.spi.TestingPluginContext},
 * a {@link dev.ferry.testing.spi.TestingPluginConfig} bound like the runtime's config,
 * {@link dev.ferry.testing.spi.TestingDataSource}s, a {@link dev.ferry.testing.spi.TestingMetrics}
 * recorder and {@link dev.ferry.testing.spi.TestingTables} for schemas and rows. JDK and
 * {@code toolkit-api} only, so that plugin tests (built-in or third-party) need nothing of the runtime.
 */
package dev.ferry.testing.spi;
