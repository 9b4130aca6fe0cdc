package dev.ferry.cli;

import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigException;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.config.CutoverConfig;
import dev.ferry.runtime.config.DatabaseConfig;
import dev.ferry.runtime.config.FerryConfig;
import dev.ferry.runtime.config.PluginSection;
import dev.ferry.runtime.plugin.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code ferry validate}: binds the whole config and creates every plugin it names, without
 * connecting anywhere, and reports every problem at once.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
                "Checks a config file and the plugins it selects without connecting to any server.",
                "Prints \"config OK\" and a summary (exit 0), or every problem, one per line, on standard error (exit 2)."})
final class ValidateCommand
        implements Callable<Integer>
{
    // Shorter secrets would mask ordinary words in the output; masking is a second line of
    // defence anyway, since no problem message echoes a secret.
    private static final int MIN_MASKED_SECRET_LENGTH = 4;

    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The config file: *.yaml, *.yml or *.json.")
    private Path config;

    @Mixin
    private PluginDirOptions pluginDirs;

    ValidateCommand(CliEnvironment environment)
    {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call()
    {
        PluginRegistry registry = pluginDirs.load(environment, true);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> secrets = List.of();
        try {
            ConfigLoader.Loaded loaded = ConfigLoader.load(config, environment.variables());
            secrets = secrets(loaded.config());
            RuntimePluginContext context = new RuntimePluginContext(loaded.config().rewrites(), new RuntimeMetrics(), loaded.config().replication().serverId());
            PipelinePlugins plugins = PipelinePlugins.assemble(loaded, registry, context);
            close(plugins);
            out.println("config OK");
            out.println(mask(summary(plugins.config()), secrets));
            out.flush();
            return Main.EXIT_OK;
        }
        catch (ConfigException e) {
            err.println(mask(e.getMessage(), secrets));
            err.flush();
            return Main.EXIT_USAGE;
        }
    }

    private static String summary(FerryConfig config)
    {
        StringBuilder summary = new StringBuilder();
        summary.append("source ").append(address(config.source()))
                .append(" -> target ").append(address(config.target()))
                .append("; tableFilter ").append(config.tableFilter().type());
        config.copyFilter().ifPresent(section -> summary.append("; copyFilter ").append(section.type()));
        summary.append("; verifier ").append(config.verifier().type())
                .append("; throttlers copy [").append(types(config.copyThrottlers()))
                .append("] replication [").append(types(config.replicationThrottlers())).append(']');
        config.state().ifPresent(section -> summary.append("; state ").append(section.type()));
        summary.append("; cutover ").append(cutover(config.cutover()));
        summary.append("; control ").append(config.control().enabled() ? config.control().host() + ":" + config.control().port() : "off");
        return summary.toString();
    }

    private static String address(DatabaseConfig database)
    {
        // address() is user@host:port: never the password.
        return database.address() + (database.tlsMode().equals("preferred") ? "" : " (tls " + database.tlsMode() + ")");
    }

    private static String types(List<PluginSection> sections)
    {
        List<String> types = new ArrayList<>();
        for (PluginSection section : sections) {
            types.add(section.type());
        }
        return String.join(", ", types);
    }

    private static String cutover(CutoverConfig cutover)
    {
        if (cutover.disabled()) {
            return "disabled";
        }
        return cutover.automatic() ? "automatic" : "on command";
    }

    private static List<String> secrets(FerryConfig config)
    {
        List<String> secrets = new ArrayList<>();
        addSecret(secrets, config.source().password());
        addSecret(secrets, config.target().password());
        addSecret(secrets, config.control().token());
        return secrets;
    }

    private static void addSecret(List<String> secrets, Optional<String> secret)
    {
        secret.filter(value -> value.length() >= MIN_MASKED_SECRET_LENGTH).ifPresent(secrets::add);
    }

    private static String mask(String text, List<String> secrets)
    {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "****");
        }
        return result;
    }

    private static void close(PipelinePlugins plugins)
    {
        List<Object> created = new ArrayList<>();
        created.add(plugins.tableFilter());
        plugins.copyFilter().ifPresent(created::add);
        created.add(plugins.verifier());
        created.addAll(plugins.copyThrottlers());
        created.addAll(plugins.replicationThrottlers());
        plugins.stateStore().ifPresent(created::add);
        for (Object plugin : created) {
            if (plugin instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                }
                catch (Exception ignored) {
                    // Validation only created the plugins; nothing was started that could leak.
                }
            }
        }
    }
}
