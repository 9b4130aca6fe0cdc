package dev.ferry.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone distribution links the JDK modules listed in the pom's
 * {@code ferry.runtime.modules} into runtime/: a library that starts to need another JDK module
 * would make that runtime fail at boot ("module X not found"). This checks the list against what
 * jdeps finds in the distribution's lib/.
 */
class RuntimeModulesIT
{
    @Test
    void linkedModulesCoverWhatTheLibrariesUse()
            throws IOException
    {
        Path lib = Path.of(System.getProperty("ferry.dist.dir")).resolve("lib");
        assertTrue(Files.isDirectory(lib), lib + " is missing: run the package phase first");
        Set<String> linked = Arrays.stream(System.getProperty("ferry.runtime.modules").split(","))
                .map(String::strip)
                .collect(Collectors.toCollection(TreeSet::new));

        String[] jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(Path::toString).filter(name -> name.endsWith(".jar")).sorted().toArray(String[]::new);
        }
        assertTrue(jars.length > 10, "jars in " + lib + ": " + Arrays.toString(jars));

        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps is not in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = Stream.concat(
                Stream.of("--multi-release", "17", "--ignore-missing-deps", "--print-module-deps", "--module-path", lib.toString(), "--add-modules", "ALL-MODULE-PATH"),
                Stream.of(jars)).toArray(String[]::new);
        int exitCode = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(0, exitCode, "jdeps failed:\n" + out + err);

        String[] lines = out.toString().strip().split("\n");
        Set<String> used = Arrays.stream(lines[lines.length - 1].split(","))
                .map(String::strip)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(used.contains("java.base") && used.contains("java.sql"), "unexpected jdeps output:\n" + out);

        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(linked);
        assertEquals(Set.of(), missing, "JDK modules used in " + lib + " but not in ferry.runtime.modules (distribution/pom.xml); linked: " + linked);
    }
}
