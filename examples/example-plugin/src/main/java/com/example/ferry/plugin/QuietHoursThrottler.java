package com.example.ferry.plugin;

import dev.ferry.api.throttle.Throttler;

import java.time.Clock;

import static java.util.Objects.requireNonNull;

/**
 * Throttles its stage while the clock is inside the quiet hours. Stateless apart from its
 * immutable window, hence thread-safe.
 */
public final class QuietHoursThrottler
        implements Throttler
{
    private final QuietHours window;
    private final Clock clock;

    public QuietHoursThrottler(QuietHours window, Clock clock)
    {
        this.window = requireNonNull(window, "window is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public boolean isThrottled()
    {
        return window.contains(clock.instant());
    }

    @Override
    public String reason()
    {
        return isThrottled() ? "quiet hours " + window : "";
    }
}
