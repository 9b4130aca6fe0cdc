package dev.ferry.cli;

import dev.ferry.runtime.MovePlanner;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigException;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.plugin.PluginRegistry;
import dev.ferry.runtime.preflight.MovePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code ferry plan}: what {@code copydb} would do with a config, and what would stop it.
 */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
                "Connects to both servers, runs every check copydb runs before it writes, and prints per table the estimated rows",
                "and size, the pagination key (or full copy), the key ranges, the write method and the foreign keys; the schema",
                "objects it would create; and every problem with the option that fixes it. Writes nothing to either server.",
                "Exit 0 when copydb would start, 2 with the list of blockers."})
final class PlanCommand
        implements Callable<Integer>
{
    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The config file: *.yaml, *.yml or *.json.")
    private Path config;

    @Option(names = "--json", description = "Print the plan as JSON.")
    private boolean json;

    @Mixin
    private PluginDirOptions pluginDirs;

    PlanCommand(CliEnvironment environment)
    {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call()
    {
        PluginRegistry registry = pluginDirs.load(environment, true);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PipelinePlugins plugins;
        try {
            ConfigLoader.Loaded loaded = ConfigLoader.load(config, environment.variables());
            RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), new RuntimeMetrics(), loaded.config().runId());
            plugins = PipelinePlugins.assemble(loaded, registry, context);
        }
        catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        }
        MovePlan plan = new MovePlanner(plugins).plan();
        out.print(json ? plan.toJson() + "\n" : plan.toText());
        out.flush();
        return plan.blocked() ? Main.EXIT_USAGE : Main.EXIT_OK;
    }
}
