package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.core.FerryVersion;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code ferry}: the command line. Exit codes, for supervisors: {@value #EXIT_OK} success,
 * {@value #EXIT_FAILURE} runtime failure (retry: the state is saved), {@value #EXIT_USAGE} bad
 * usage or config, {@value #EXIT_STATE} a state or schema conflict an operator must resolve,
 * {@value #EXIT_VERIFICATION} verification failed (none of these three is retried).
 */
@Command(
        name = "ferry",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Moves MySQL databases between servers while they are in use: copies the rows, follows the binlog, then cuts over.",
        synopsisSubcommandLabel = "COMMAND",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success (also: stopped on request, or a finished run restarted with --resume=auto)",
                "1:runtime failure, e.g. a lost connection: retry the same command line",
                "2:bad usage or config: do not retry",
                "3:the saved state or the schemas need an operator (state of another config, table changed): do not retry",
                "4:verification found differences: do not retry",
                "130:stopped by SIGINT, state saved",
                "143:stopped by SIGTERM, state saved"})
public final class Main
        implements Callable<Integer>
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_STATE = 3;
    public static final int EXIT_VERIFICATION = 4;

    @Spec
    private CommandSpec spec;

    // held so that the level survives: java.util.logging keeps loggers weakly
    private static final java.util.logging.Logger BINLOG_LIBRARY_LOG = java.util.logging.Logger.getLogger("com.github.shyiko.mysql.binlog");

    public static void main(String[] args)
    {
        // the binlog library logs every (re)connect through java.util.logging at INFO; ferry logs
        // its own, clearer line for each
        BINLOG_LIBRARY_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(commandLine(CliEnvironment.system()).execute(args));
    }

    /**
     * The command line with every subcommand, writing to {@link System#out} and
     * {@link System#err} unless the caller sets other writers.
     */
    public static CommandLine commandLine(CliEnvironment environment)
    {
        requireNonNull(environment, "environment is null");
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.addSubcommand(new PluginsCommand(environment));
        commandLine.addSubcommand(new ValidateCommand(environment));
        commandLine.addSubcommand(new PlanCommand(environment));
        commandLine.addSubcommand(new CopydbCommand(environment));
        CommandLine state = new CommandLine(new StateCommand());
        state.addSubcommand(new StateCommand.Show(environment));
        commandLine.addSubcommand("state", state);
        // `ferry generate-completion` prints the bash/zsh completion script; the build writes it to
        // completion/ferry.bash. Hidden: an installation step, not part of a move.
        CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage().hidden(true);
        commandLine.addSubcommand("generate-completion", completion);
        commandLine.addSubcommand(new CdsTrainingCommand());
        commandLine.setExecutionExceptionHandler(new FailureHandler());
        commandLine.setParameterExceptionHandler(new UsageHandler());
        return commandLine;
    }

    @Override
    public Integer call()
    {
        PrintWriter err = spec.commandLine().getErr();
        err.println("ferry: missing command");
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }

    /**
     * The version this command line was built as.
     */
    public static String version()
    {
        return FerryVersion.get();
    }

    static final class VersionProvider
            implements IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            String version = version();
            return new String[] {
                    "ferry " + version,
                    "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                            + System.getProperty("os.name") + " " + System.getProperty("os.arch").toLowerCase(Locale.ROOT)};
        }
    }

    /**
     * Bad usage: one line naming the mistake and where help is, not the whole usage text.
     */
    private static final class UsageHandler
            implements IParameterExceptionHandler
    {
        @Override
        public int handleParseException(ParameterException exception, String[] args)
        {
            CommandLine commandLine = exception.getCommandLine();
            PrintWriter err = commandLine.getErr();
            err.println("ferry: " + exception.getMessage());
            UnmatchedArgumentException.printSuggestions(exception, err);
            err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_USAGE;
        }
    }

    /**
     * Failures of a command: operator-facing messages print alone; anything else is a bug and
     * prints with its stack trace.
     */
    private static final class FailureHandler
            implements IExecutionExceptionHandler
    {
        @Override
        public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult)
        {
            PrintWriter err = commandLine.getErr();
            int exitCode;
            if (exception instanceof CommandFailure failure) {
                err.println("ferry: " + failure.getMessage());
                exitCode = failure.exitCode();
            }
            else if (exception instanceof FerryException) {
                err.println("ferry: " + exception.getMessage());
                exitCode = EXIT_FAILURE;
            }
            else {
                err.println("ferry: unexpected error (a bug; please report it with this output):");
                exception.printStackTrace(err);
                exitCode = EXIT_FAILURE;
            }
            err.flush();
            return exitCode;
        }
    }
}
