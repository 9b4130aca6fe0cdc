package dev.ferry.plugins.state;

import dev.ferry.api.PluginConfig;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Config of the {@code stdout} state store.
 *
 * @param resumeFrom a file holding a state a previous run printed, to resume from; empty to start
 *        a new run
 */
record StdoutStateConfig(Optional<Path> resumeFrom)
{
    StdoutStateConfig
    {
        requireNonNull(resumeFrom, "resumeFrom is null");
    }

    static StdoutStateConfig bind(PluginConfig config)
    {
        String text = config.string("resumeFrom", null);
        if (text == null) {
            return new StdoutStateConfig(Optional.empty());
        }
        if (text.isBlank()) {
            config.problem("resumeFrom", "must name the file holding the state a previous run printed, or be left out to start a new run");
            return new StdoutStateConfig(Optional.empty());
        }
        try {
            return new StdoutStateConfig(Optional.of(Path.of(text).toAbsolutePath().normalize()));
        }
        catch (InvalidPathException e) {
            config.problem("resumeFrom", "is not a valid file path: " + e.getReason() + " (got \"" + text + "\")");
            return new StdoutStateConfig(Optional.empty());
        }
    }
}
