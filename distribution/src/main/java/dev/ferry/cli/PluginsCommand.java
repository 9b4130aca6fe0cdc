package dev.ferry.cli;

import dev.ferry.runtime.plugin.PluginDescriptor;
import dev.ferry.runtime.plugin.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code ferry plugins}: every plugin ferry can use, and every jar it had to leave out.
 */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description = {
                "Lists the plugins ferry can use: kind, name (the value of \"type\" in the config), module, jar and description.",
                "Jars that could not be loaded are listed on standard error; the exit code is still 0."})
final class PluginsCommand
        implements Callable<Integer>
{
    private static final List<String> HEADER = List.of("KIND", "NAME", "MODULE", "JAR", "DESCRIPTION");

    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Mixin
    private PluginDirOptions pluginDirs;

    PluginsCommand(CliEnvironment environment)
    {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call()
    {
        PluginRegistry registry = pluginDirs.load(environment, false);
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (PluginDescriptor plugin : registry.all()) {
            rows.add(List.of(
                    plugin.kind().id(),
                    plugin.name(),
                    plugin.module(),
                    environment.display(plugin.location()),
                    plugin.factory().description()));
        }
        PrintWriter out = spec.commandLine().getOut();
        printTable(out, rows);
        out.flush();
        if (!registry.loadProblems().isEmpty()) {
            PluginDirOptions.printLoadProblems(registry, spec.commandLine().getErr());
        }
        return Main.EXIT_OK;
    }

    private static void printTable(PrintWriter out, List<List<String>> rows)
    {
        int columns = HEADER.size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
