package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.TableName;
import dev.ferry.api.state.StateStore;
import dev.ferry.runtime.PipelinePlugins;
import dev.ferry.runtime.RuntimeMetrics;
import dev.ferry.runtime.RuntimePluginContext;
import dev.ferry.runtime.config.ConfigException;
import dev.ferry.runtime.config.ConfigLoader;
import dev.ferry.runtime.sql.DataSources;
import dev.ferry.runtime.state.FerryState;
import dev.ferry.runtime.state.RangeState;
import dev.ferry.runtime.state.StateCodec;
import dev.ferry.runtime.state.TableCopyState;
import dev.ferry.runtime.state.TargetWritesState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code ferry state show}: what a resume would start from.
 */
@Command(name = "state", mixinStandardHelpOptions = true, description = "Inspects the saved state.")
final class StateCommand
        implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints what copydb --resume would start from.")
    static final class Show
            implements Callable<Integer>
    {
        private final CliEnvironment environment;

        @Spec
        private CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The config file naming the state store.")
        private Path config;

        @Option(names = "--json", description = "Print the state document itself.")
        private boolean json;

        @Mixin
        private PluginDirOptions pluginDirs;

        Show(CliEnvironment environment)
        {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call()
        {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ConfigLoader.Loaded loaded;
            PipelinePlugins plugins;
            RuntimePluginContext context;
            try {
                loaded = ConfigLoader.load(config, environment.variables());
                context = new RuntimePluginContext(loaded.config().rewrites(), new RuntimeMetrics(), loaded.config().runId());
                plugins = PipelinePlugins.assemble(loaded, pluginDirs.load(environment, true), context);
            }
            catch (ConfigException e) {
                err.println(e.getMessage());
                err.flush();
                return Main.EXIT_USAGE;
            }
            Optional<StateStore> store = plugins.stateStore();
            if (store.isEmpty()) {
                err.println("ferry: " + config + " configures no state store (state.type)");
                err.flush();
                return Main.EXIT_USAGE;
            }
            try (var target = DataSources.create(plugins.config().target(), "target", 2, true, true);
                    var source = DataSources.create(plugins.config().source(), "source", 2, true, true)) {
                context.attach(source, target);
                StateStore state = store.get();
                state.start();
                Optional<String> document = state.read();
                if (document.isEmpty()) {
                    out.println("no state in " + state.describe() + ": copydb would start a new run");
                    out.flush();
                    return Main.EXIT_OK;
                }
                FerryState decoded = StateCodec.decode(document.get(), "the state in " + state.describe());
                if (!decoded.configFingerprint().equals(plugins.config().fingerprint())) {
                    // on stderr, so --json output stays a document
                    err.println("ferry: warning: this state was saved by another config (fingerprint " + decoded.configFingerprint() + ", "
                            + config + " has " + plugins.config().fingerprint() + "): it moves other tables or to another place, and "
                            + "copydb --resume with " + config + " refuses it");
                    err.flush();
                }
                if (json) {
                    out.println(StateCodec.encode(decoded));
                }
                else {
                    print(out, state, decoded);
                }
                out.flush();
                return Main.EXIT_OK;
            }
            catch (FerryException e) {
                err.println("ferry: " + e.getMessage());
                err.flush();
                return Main.EXIT_FAILURE;
            }
            finally {
                store.get().close();
            }
        }

        private static void print(PrintWriter out, StateStore store, FerryState state)
        {
            out.println("state in " + store.describe() + ", saved " + state.savedAt() + " by ferry " + state.ferryVersion());
            out.println("  phase: " + state.phase() + ", run id " + state.runId() + ", config fingerprint " + state.configFingerprint());
            out.println("  binlog: resume from " + (state.position() == null ? "(not started)" : state.position().resume()));
            store.readPosition().ifPresent(position -> out.println("  binlog (per-batch position in the store): resume from " + position.resume()));
            TargetWritesState watch = state.targetWrites();
            if (watch == null) {
                out.println("  target binlog: not watched for writes by others");
            }
            else {
                long writes = watch.tables().stream().mapToLong(TargetWritesState.Table::writes).sum();
                out.println("  target binlog: watched, resume from " + watch.position() + "; " + (writes == 0 ? "no writes by others"
                        : writes + " write(s) by others to " + watch.tables().stream().map(table -> table.table().toString()).toList()
                                + ": the cutover will be refused"));
            }
            for (Map.Entry<TableName, TableCopyState> table : state.tables().entrySet()) {
                TableCopyState copy = table.getValue();
                long done = copy.ranges().stream().filter(RangeState::complete).count();
                out.println("  " + table.getKey() + ": " + (copy.complete() ? "copied" : "copying, " + done + "/" + copy.ranges().size() + " ranges done")
                        + ", " + copy.rowsCopied() + " rows");
                if (!copy.complete()) {
                    for (RangeState range : copy.ranges()) {
                        if (!range.complete()) {
                            out.println("      range (" + (range.low() == null ? "-inf" : range.low()) + ", " + (range.high() == null ? "+inf" : range.high())
                                    + "]: continue after " + (range.cursor() == null ? "its start" : range.cursor()));
                        }
                    }
                }
            }
        }
    }
}
