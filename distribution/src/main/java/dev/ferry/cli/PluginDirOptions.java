package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.plugin.PluginRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --plugin-dir}, shared by the commands that load plugins.
 */
final class PluginDirOptions
{
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--plugin-dir", paramLabel = "DIR",
            description = "Also load plugin jars from DIR (repeatable). $FERRY_HOME/plugins is always searched.")
    private List<Path> pluginDirs = new ArrayList<>();

    /**
     * {@code $FERRY_HOME/plugins} followed by every {@code --plugin-dir}.
     *
     * @throws ParameterException when a {@code --plugin-dir} is not a directory
     */
    List<Path> directories(CliEnvironment environment)
    {
        List<Path> directories = new ArrayList<>();
        environment.homePluginDirectory().ifPresent(directories::add);
        for (Path dir : pluginDirs) {
            if (!Files.isDirectory(dir)) {
                throw new ParameterException(spec.commandLine(), "--plugin-dir " + dir + " is not a directory");
            }
            directories.add(dir);
        }
        return directories;
    }

    /**
     * Loads the plugins; problems with single jars are printed to {@code err} as warnings.
     *
     * @throws CommandFailure when two plugins share a name, which leaves the choice ambiguous
     */
    PluginRegistry load(CliEnvironment environment, boolean warnAboutLoadProblems)
    {
        PluginRegistry registry;
        try {
            registry = PluginRegistry.load(directories(environment));
        }
        catch (FerryException e) {
            throw new CommandFailure(Main.EXIT_USAGE, e.getMessage());
        }
        if (warnAboutLoadProblems && !registry.loadProblems().isEmpty()) {
            printLoadProblems(registry, spec.commandLine().getErr());
        }
        return registry;
    }

    static void printLoadProblems(PluginRegistry registry, PrintWriter err)
    {
        int count = registry.loadProblems().size();
        err.println("ferry: " + count + (count == 1 ? " plugin jar was" : " plugin jars were") + " left out:");
        for (String problem : registry.loadProblems()) {
            err.println("  - " + problem);
        }
        err.flush();
    }
}
