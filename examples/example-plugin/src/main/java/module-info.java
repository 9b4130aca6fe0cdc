/**
 * An example third-party ferry plugin: the {@code quiet-hours} throttler. Requires nothing of
 * ferry but its SPI.
 */
module com.example.ferry.plugin {
    requires dev.ferry.api;

    provides dev.ferry.api.throttle.ThrottlerFactory with
            com.example.ferry.plugin.QuietHoursThrottlerFactory;
}
