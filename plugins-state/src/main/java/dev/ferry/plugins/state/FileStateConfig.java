package dev.ferry.plugins.state;

import dev.ferry.api.PluginConfig;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Config of the {@code file} state store.
 *
 * @param path the state file, absolute (a relative {@code state.path} is resolved against the
 *        working directory); its directory is created when missing
 */
record FileStateConfig(Path path)
{
    FileStateConfig
    {
        requireNonNull(path, "path is null");
    }

    static FileStateConfig bind(PluginConfig config)
    {
        String text = config.requiredString("path");
        if (text.isEmpty()) {
            return new FileStateConfig(Path.of(""));
        }
        Path path;
        try {
            path = Path.of(text).toAbsolutePath().normalize();
        }
        catch (InvalidPathException e) {
            config.problem("path", "is not a valid file path: " + e.getReason() + " (got \"" + text + "\")");
            return new FileStateConfig(Path.of(""));
        }
        if (path.getFileName() == null || text.endsWith("/")) {
            config.problem("path", "must name a file, e.g. /var/lib/ferry/state.json (got \"" + text + "\")");
        }
        return new FileStateConfig(path);
    }
}
