package dev.ferry.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One in-process run of the command line with captured output.
 */
record CliRun(int exitCode, String out, String err)
{
    static CliRun run(Map<String, String> variables, String... args)
    {
        return run(new CliEnvironment(Optional.empty(), variables::get), args);
    }

    static CliRun run(Path home, String... args)
    {
        return run(new CliEnvironment(Optional.of(home), name -> null), args);
    }

    static CliRun run(CliEnvironment environment, String... args)
    {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    @Override
    public String toString()
    {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
