package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigException;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.control.ConsoleProgress;
import dev.ferry.runtime.control.ControlServer;
import dev.ferry.runtime.control.ProgressReporter;
import dev.ferry.runtime.plugin.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * {@code ferry copydb}: runs a move end to end.
 */
@Command(
        name = "copydb",
        mixinStandardHelpOptions = true,
        description = {
                "Copies the tables the config selects from source to target while following the source's binlog, then cuts over",
                "(automatically with cutover.automatic, else on POST /api/cutover to the control server) and verifies.",
                "SIGINT/SIGTERM stop the run cleanly before cutover (exit 130/143)."})
final class CopydbCommand
        implements java.util.concurrent.Callable<Integer>
{
    static final int EXIT_SIGINT = 130;
    static final int EXIT_SIGTERM = 143;
    static final String RESUME_ALWAYS = "always";
    static final String RESUME_AUTO = "auto";

    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The config file: *.yaml, *.yml or *.json.")
    private Path config;

    @Option(names = "--resume", arity = "0..1", fallbackValue = RESUME_ALWAYS, paramLabel = "auto",
            description = {"Continue the run saved in the configured state store (state.type); fails when there is none.",
                    "--resume=auto: continue it when there is one, else start: the one command line to restart after any failure",
                    "(a finished run ends at once with exit 0)."})
    private String resume;

    @Mixin
    private PluginDirOptions pluginDirs;

    CopydbCommand(CliEnvironment environment)
    {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call()
            throws InterruptedException
    {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (resume != null && !resume.equals(RESUME_ALWAYS) && !resume.equals(RESUME_AUTO)) {
            err.println("ferry: --resume takes no value or \"auto\" (got \"" + resume + "\")");
            err.flush();
            return Main.EXIT_USAGE;
        }
        PluginRegistry registry = pluginDirs.load(environment, true);
        ConfigLoader.Loaded loaded;
        PipelinePlugins plugins;
        RuntimeMetrics metrics = new RuntimeMetrics();
        RuntimePluginContext context;
        try {
            loaded = ConfigLoader.load(config, environment.variables());
            context = new RuntimePluginContext(loaded.config().rewrites(), metrics, loaded.config().runId());
            plugins = PipelinePlugins.assemble(loaded, registry, context);
        }
        catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        }
        AtomicInteger signalled = new AtomicInteger();
        try (Ferry ferry = new Ferry(plugins, context, metrics);
                ControlServer control = new ControlServer(ferry);
                ProgressReporter reporter = new ProgressReporter(ferry);
                ConsoleProgress console = new ConsoleProgress(ferry)) {
            handleSignal("INT", EXIT_SIGINT, ferry, signalled, message -> console.println(err, message));
            handleSignal("TERM", EXIT_SIGTERM, ferry, signalled, message -> console.println(err, message));
            if (loaded.config().control().enabled()) {
                control.start();
                err.println("ferry: control server at " + control.uri());
                err.flush();
            }
            reporter.start();
            console.start();
            RunResult result;
            try {
                result = resume == null ? ferry.run() : resume.equals(RESUME_AUTO) ? ferry.runOrResume() : ferry.resume();
            }
            catch (FerryException e) {
                console.close();
                reporter.reportError(e);
                err.println("ferry: " + e.getMessage());
                if (ferry.stateSaved()) {
                    ferry.stateLocation().ifPresent(location -> err.println("ferry: state saved to " + location
                            + "; after fixing the cause, resume with: ferry copydb --config " + config + " --resume"
                            + (RESUME_AUTO.equals(resume) ? "=auto" : "")));
                }
                err.flush();
                return ExitCodes.of(e, ferry.lastVerification());
            }
            console.close();
            out.println(summary(result));
            out.flush();
            if (result.phase() == FerryPhase.DONE) {
                return Main.EXIT_OK;
            }
            if (result.phase() == FerryPhase.STOPPED) {
                err.println("ferry: stopped before cutover" + (ferry.stateSaved()
                        ? "; state saved to " + ferry.stateLocation().orElseThrow() + ", resume with: ferry copydb --config " + config + " --resume"
                        : " (no state saved: a new run starts over)"));
                err.flush();
                return signalled.get() != 0 ? signalled.get() : Main.EXIT_OK;
            }
            return result.verification().failed() ? Main.EXIT_VERIFICATION : Main.EXIT_FAILURE;
        }
    }

    private static void handleSignal(String name, int exitCode, Ferry ferry, AtomicInteger signalled, Consumer<String> messages)
    {
        try {
            Signal.handle(new Signal(name), signal -> {
                if (signalled.compareAndSet(0, exitCode)) {
                    messages.accept("ferry: SIG" + name + " received, stopping at the next batch boundary");
                    ferry.requestStop();
                }
            });
        }
        catch (IllegalArgumentException e) {
            // the platform does not have this signal
        }
    }

    static String summary(RunResult result)
    {
        return String.format(Locale.ROOT, "%s: %s%n  rows copied: %d in %.1f s (%.0f rows/s)%n  binlog events applied: %d%n  verification: %s (%s)%n  total time: %.1f s",
                result.phase().label(), result.message(), result.rowsCopied(), result.copyElapsed().toNanos() / 1e9, result.copyRowsPerSecond(),
                result.eventsApplied(), result.verification().status().name().toLowerCase(Locale.ROOT), result.verification().message(),
                result.elapsed().toNanos() / 1e9);
    }
}
