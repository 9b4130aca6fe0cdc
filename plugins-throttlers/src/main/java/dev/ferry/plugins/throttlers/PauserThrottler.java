package dev.ferry.plugins.throttlers;

import dev.ferry.api.throttle.Throttler;

import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Throttles its stage while an operator has paused it ({@code POST /api/pause} on the control
 * server, which sends {@code pause}; {@code unpause} resumes). Thread-safe.
 */
public final class PauserThrottler
        implements Throttler
{
    public static final String PAUSE = "pause";
    public static final String UNPAUSE = "unpause";

    private final AtomicBoolean paused;
    private final System.Logger logger;

    public PauserThrottler(boolean paused, System.Logger logger)
    {
        this.paused = new AtomicBoolean(paused);
        this.logger = requireNonNull(logger, "logger is null");
    }

    @Override
    public boolean isThrottled()
    {
        return paused.get();
    }

    @Override
    public String reason()
    {
        return paused.get() ? "paused by operator" : "";
    }

    /**
     * {@code pause} or {@code unpause}; other commands are ignored.
     */
    @Override
    public void onCommand(String command)
    {
        if (PAUSE.equals(command)) {
            if (paused.compareAndSet(false, true)) {
                logger.log(System.Logger.Level.INFO, "pauser: paused by operator");
            }
        }
        else if (UNPAUSE.equals(command)) {
            if (paused.compareAndSet(true, false)) {
                logger.log(System.Logger.Level.INFO, "pauser: unpaused by operator");
            }
        }
    }
}
