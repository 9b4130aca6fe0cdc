package dev.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code ferry cds-training DIR}: the build's training run for the class-data sharing archive
 * that {@code bin/ferry} maps at start (about a quarter of a second less per start). Run by the
 * build under {@code -XX:ArchiveClassesAtExit=DIR/ferry.jsa}, it loads, without initializing,
 * every class of the modules in {@code lib/}, and writes {@code DIR/ferry.jsa.id}: the Java
 * installation and the ferry home the archive belongs to. The launcher maps the archive only
 * when both match, because the JVM must not meet an archive of another JVM build or module
 * path. Hidden: an installation step, not part of a move.
 */
@Command(name = "cds-training", hidden = true, description = "Loads ferry's classes for the build's class-data sharing archive.")
final class CdsTrainingCommand
        implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Where the archive goes; ferry.jsa.id is written here.")
    private Path directory;

    @Override
    public Integer call()
            throws IOException
    {
        int loaded = 0;
        int failed = 0;
        for (ResolvedModule resolved : ModuleLayer.boot().configuration().modules()) {
            Optional<Module> module = ModuleLayer.boot().findModule(resolved.name());
            boolean fromFile = resolved.reference().location().map(uri -> "file".equals(uri.getScheme())).orElse(false);
            if (module.isEmpty() || !fromFile) {
                continue;
            }
            for (String name : classNames(resolved)) {
                try {
                    if (Class.forName(module.get(), name) != null) {
                        loaded++;
                    }
                }
                catch (LinkageError e) {
                    // a class of an optional dependency that is not in lib/ (e.g. Connector/J's X DevAPI)
                    failed++;
                }
            }
        }
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("ferry.jsa.id"), archiveId(), StandardCharsets.UTF_8);
        PrintWriter err = spec.commandLine().getErr();
        err.printf("cds-training: %d classes loaded, %d left out%n", loaded, failed);
        err.flush();
        return Main.EXIT_OK;
    }

    private static List<String> classNames(ResolvedModule module)
    {
        try (ModuleReader reader = module.reference().open(); Stream<String> entries = reader.list()) {
            return entries
                    .filter(entry -> entry.endsWith(".class") && !entry.startsWith("META-INF/") && !entry.endsWith("module-info.class"))
                    .map(entry -> entry.substring(0, entry.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list the classes of module " + module.name(), e);
        }
    }

    /**
     * The three lines {@code bin/ferry} compares before it maps the archive: the Java home and its
     * {@code JAVA_RUNTIME_VERSION} from {@code release}, and the ferry home, as physical paths.
     */
    private static String archiveId()
            throws IOException
    {
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        String release = "";
        Path releaseFile = javaHome.resolve("release");
        if (Files.isReadable(releaseFile)) {
            for (String line : Files.readAllLines(releaseFile, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
                    release = line.substring("JAVA_RUNTIME_VERSION=".length()).replace("\"", "");
                }
            }
        }
        Path ferryHome = Path.of(System.getProperty("ferry.home", ".")).toRealPath();
        return "java.home=" + javaHome + "\nrelease=" + release + "\nferry.home=" + ferryHome + "\n";
    }
}
