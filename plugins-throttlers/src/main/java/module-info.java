/**
 * Built-in throttlers: {@code pauser} (operator pause), {@code lag} (a lag query) and
 * {@code threads-running} (source load).
 */
module dev.ferry.plugins.throttlers {
    requires dev.ferry.api;

    provides dev.ferry.api.throttle.ThrottlerFactory with
            dev.ferry.plugins.throttlers.PauserThrottlerFactory,
            dev.ferry.plugins.throttlers.LagThrottlerFactory,
            dev.ferry.plugins.throttlers.ThreadsRunningThrottlerFactory;
}
