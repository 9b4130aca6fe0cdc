package dev.ferry.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What the command line takes from its surroundings: the ferry home (the distribution directory,
 * set by {@code bin/ferry} as the system property {@code ferry.home}) and the environment
 * variables configs refer to ({@code passwordEnv}, {@code tokenEnv}). Tests pass their own.
 *
 * @param home the ferry home, or empty when ferry was not started by its launcher
 * @param variables environment variable lookup; returns null for an unset variable
 */
public record CliEnvironment(Optional<Path> home, Function<String, String> variables)
{
    public static final String HOME_PROPERTY = "ferry.home";

    public CliEnvironment
    {
        requireNonNull(home, "home is null");
        requireNonNull(variables, "variables is null");
    }

    /**
     * The environment of this process.
     */
    public static CliEnvironment system()
    {
        String home = System.getProperty(HOME_PROPERTY);
        return new CliEnvironment(home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home)), System::getenv);
    }

    /**
     * The plugin directory of the distribution, {@code $FERRY_HOME/plugins}.
     */
    public Optional<Path> homePluginDirectory()
    {
        return home.map(path -> path.resolve("plugins"));
    }

    /**
     * {@code file} relative to the ferry home when it lies inside it, e.g. {@code lib/x.jar};
     * otherwise {@code file} as given.
     */
    public String display(String file)
    {
        if (home.isEmpty()) {
            return file;
        }
        Path path;
        try {
            path = Path.of(file);
        }
        catch (RuntimeException e) {
            return file;
        }
        Path base = canonical(home.get());
        Path target = canonical(path);
        return target.startsWith(base) && !target.equals(base) ? base.relativize(target).toString() : file;
    }

    private static Path canonical(Path path)
    {
        try {
            return path.toRealPath();
        }
        catch (java.io.IOException | RuntimeException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
