package dev.ferry.runtime.control;

import dev.ferry.api.throttle.Throttler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A throttler that pauses on {@code pause} and records every command it gets.
 */
final class RecordingThrottler
        implements Throttler
{
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private volatile boolean paused;

    @Override
    public boolean isThrottled()
    {
        return paused;
    }

    @Override
    public String reason()
    {
        return paused ? "recording: paused" : "";
    }

    @Override
    public void onCommand(String command)
    {
        commands.add(command);
        if (command.equals("pause")) {
            paused = true;
        }
        else if (command.equals("unpause")) {
            paused = false;
        }
    }

    List<String> commands()
    {
        return List.copyOf(commands);
    }
}
