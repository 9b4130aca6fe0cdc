package dev.ferry.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the built distribution ({@code target/ferry}) the way an operator does: {@code bin/ferry}
 * in its own JVM, on the real module path, with plugin jars dropped into {@code plugins/}.
 */
class DistributionIT
{
    private static final Pattern QUIET_HOURS_ROW = Pattern.compile(
            "throttler\\s+quiet-hours\\s+com\\.example\\.ferry\\.plugin\\s+plugins/ferry-example-plugin-[^ /]+\\.jar\\s+pause the stage.*");
    private static final Pattern NAMES_ROW = Pattern.compile(
            "table-filter\\s+names\\s+dev\\.ferry\\.plugins\\.filters\\s+lib/plugins-filters-[^ /]+\\.jar\\s+.*");
    private static final Pattern NONE_ROW = Pattern.compile(
            "verifier\\s+none\\s+dev\\.ferry\\.plugins\\.verifiers\\s+lib/plugins-verifiers-[^ /]+\\.jar\\s+.*");

    private static final Map<String, String> PASSWORDS = Map.of(
            "FERRY_SOURCE_PASSWORD", "source-Pa55word",
            "FERRY_TARGET_PASSWORD", "target-Pa55word");

    private static final String QUIET_HOURS_CONFIG = """
            source:
              host: mysql-old.internal
              user: ferry
              passwordEnv: FERRY_SOURCE_PASSWORD
            target:
              host: mysql-new.internal
              user: ferry
              passwordEnv: FERRY_TARGET_PASSWORD
            tableFilter:
              type: names
              databases: [shop]
            throttlers:
              copy:
                - type: quiet-hours
                  start: "08:00"
                  end: "20:00"
                  zone: Europe/Berlin
            """;

    @TempDir
    static Path temp;

    private static Path distribution;
    private static Path examplePluginJar;

    @BeforeAll
    static void locateBuild()
    {
        distribution = Path.of(requiredProperty("ferry.dist.dir"));
        examplePluginJar = Path.of(requiredProperty("ferry.example.plugin.jar"));
        assertTrue(Files.isExecutable(distribution.resolve("bin/ferry")), distribution + "/bin/ferry is missing or not executable: run mvn package first");
        assertTrue(examplePluginJar.getFileName().toString().endsWith(".jar"), "example plugin is not a jar: " + examplePluginJar);
    }

    @Test
    void pluginsListsBuiltInsAndADroppedJar()
            throws IOException
    {
        Path home = install("plugins-list");
        Result result = ferry(home, "plugins");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), result.toString());
        assertRow(result, NAMES_ROW);
        assertRow(result, NONE_ROW);
        assertRow(result, QUIET_HOURS_ROW);
    }

    @Test
    void validateAcceptsAThirdPartyPluginSection()
            throws IOException
    {
        Path home = install("validate-good");
        Path config = Files.writeString(temp.resolve("quiet-hours.yaml"), QUIET_HOURS_CONFIG);
        Result result = ferry(home, "validate", "--config", config.toString());
        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.out().lines().toList();
        assertEquals("config OK", lines.get(0), result.toString());
        assertTrue(lines.get(1).contains("throttlers copy [quiet-hours]"), result.toString());
        assertEquals(2, lines.size(), result.toString());
        assertEquals("", result.err(), result.toString());
    }

    @Test
    void validateNamesAnUnknownKeyOfAPluginSection()
            throws IOException
    {
        Path home = install("validate-bogus");
        Path config = Files.writeString(temp.resolve("quiet-hours-bogus.yaml"), QUIET_HOURS_CONFIG + "      bogus: 1\n");
        Result result = ferry(home, "validate", "--config", config.toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals("", result.out(), result.toString());
        assertEquals(List.of(config + " has 1 problem:", "  - throttlers.copy[0].bogus: unknown key; known keys here: end, start, type, zone"),
                result.err().lines().toList(), result.toString());
    }

    @Test
    void shippedExamplesAreValid()
            throws IOException
    {
        Path home = install("examples");
        for (String example : List.of("copydb.yaml", "copydb.json")) {
            Result result = ferry(home, "validate", "--config", home.resolve("examples").resolve(example).toString());
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(result.out().startsWith("config OK\n"), result.toString());
            for (String password : PASSWORDS.values()) {
                assertFalse(result.out().contains(password) || result.err().contains(password), result.toString());
            }
        }
    }

    @Test
    void jarWithAMissingDependencyIsNamedAndEverythingElseWorks()
            throws IOException
    {
        Path home = install("broken-requires");
        Path broken = home.resolve("plugins/broken-plugin.jar");
        writeModuleRequiringAMissingModule(broken);

        Result plugins = ferry(home, "plugins");
        assertEquals(0, plugins.exitCode(), plugins.toString());
        assertTrue(plugins.err().startsWith("ferry: 1 plugin jar was left out:\n  - broken-plugin.jar: "), plugins.toString());
        assertTrue(plugins.err().contains("com.example.missing"), plugins.toString());
        assertRow(plugins, NAMES_ROW);
        assertRow(plugins, NONE_ROW);
        assertRow(plugins, QUIET_HOURS_ROW);

        Path config = Files.writeString(temp.resolve("quiet-hours-broken.yaml"), QUIET_HOURS_CONFIG);
        Result validate = ferry(home, "validate", "--config", config.toString());
        assertEquals(0, validate.exitCode(), validate.toString());
        assertTrue(validate.out().startsWith("config OK\n"), validate.toString());
        assertTrue(validate.err().contains("broken-plugin.jar"), validate.toString());
    }

    @Test
    void sameModuleInTwoJarsNamesBothJars()
            throws IOException
    {
        Path home = install("same-module-twice");
        Files.copy(examplePluginJar, home.resolve("plugins/second-copy.jar"));
        Result result = ferry(home, "plugins");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.err().contains(examplePluginJar.getFileName().toString()), result.toString());
        assertTrue(result.err().contains("second-copy.jar"), result.toString());
        assertRow(result, NAMES_ROW);
    }

    @Test
    void pluginNameProvidedTwiceIsAnErrorNamingBothJars()
            throws IOException
    {
        Path home = install("same-name-twice");
        Path extra = Files.createDirectories(temp.resolve("same-name-twice-extra"));
        Files.copy(examplePluginJar, extra.resolve("other-quiet-hours.jar"));
        Result result = ferry(home, "plugins", "--plugin-dir", extra.toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("ferry: throttler \"quiet-hours\" is provided twice: by "), result.toString());
        assertTrue(result.err().contains(home.resolve("plugins").resolve(examplePluginJar.getFileName()).toString()), result.toString());
        assertTrue(result.err().contains(extra.resolve("other-quiet-hours.jar").toString()), result.toString());
    }

    @Test
    void launcherReachedThroughSymlinksFindsItsHome()
            throws IOException
    {
        Path home = install("symlinked");
        Path links = Files.createDirectories(temp.resolve("links"));
        Path direct = Files.createSymbolicLink(links.resolve("ferry"), home.resolve("bin/ferry"));
        Path chained = Files.createSymbolicLink(links.resolve("ferry-again"), Path.of("ferry"));

        for (Path launcher : List.of(direct, chained)) {
            Result result = run(launcher, Map.of(), List.of("plugins"));
            assertEquals(0, result.exitCode(), result.toString());
            assertRow(result, QUIET_HOURS_ROW);
        }

        // Without readlink -f (older macOS, some busybox builds) the launcher follows links itself.
        Path fakeBin = Files.createDirectories(temp.resolve("no-readlink-f"));
        Path readlink = fakeBin.resolve("readlink");
        Files.writeString(readlink, """
                #!/usr/bin/env bash
                if [ "$1" = "-f" ]; then echo "readlink: illegal option -- f" >&2; exit 1; fi
                exec /usr/bin/readlink "$@"
                """);
        Files.setPosixFilePermissions(readlink, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result result = run(chained, Map.of("PATH", fakeBin + ":" + System.getenv("PATH")), List.of("plugins"));
        assertEquals(0, result.exitCode(), result.toString());
        assertRow(result, QUIET_HOURS_ROW);
    }

    @Test
    void versionAndUsageErrors()
            throws IOException
    {
        Path home = install("version");
        Result version = ferry(home, "--version");
        assertEquals(0, version.exitCode(), version.toString());
        assertTrue(version.out().matches("(?s)ferry \\d+\\.\\d+\\.\\d+\\S*\njava .*"), version.toString());

        Result unknown = ferry(home, "copdb");
        assertEquals(2, unknown.exitCode(), unknown.toString());

        Result badJava = run(home.resolve("bin/ferry"), Map.of("JAVA_HOME", temp.resolve("no-such-jdk").toString()), List.of("plugins"));
        assertEquals(2, badJava.exitCode(), badJava.toString());
        assertTrue(badJava.err().startsWith("ferry: JAVA_HOME is "), badJava.toString());
    }

    @Test
    void classDataSharingArchiveIsMappedOnlyByTheJavaAndHomeItWasBuiltFor()
            throws IOException
    {
        String archive = distribution.toRealPath().resolve("cds/ferry.jsa").toString();
        // -Xshare:on fails the start unless every archive maps and validates
        Result built = run(distribution.resolve("bin/ferry"), Map.of("JAVA_OPTS", "-Xshare:on -Xlog:cds=info:stderr"), List.of("--version"));
        assertEquals(0, built.exitCode(), built.toString());
        assertTrue(built.err().contains("Opened archive " + archive), built.toString());
        assertTrue(built.out().matches("(?s)ferry \\d+\\.\\d+\\.\\d+\\S*\njava .*"), built.toString());

        Result off = run(distribution.resolve("bin/ferry"), Map.of("FERRY_CDS", "off", "JAVA_OPTS", "-Xlog:cds=info:stderr"), List.of("--version"));
        assertEquals(0, off.exitCode(), off.toString());
        assertFalse(off.err().contains("ferry.jsa"), off.toString());

        // a copy under another home (as from the tarball, which leaves cds/ out) does not map it
        Path moved = install("cds-moved");
        Result copy = run(moved.resolve("bin/ferry"), Map.of("JAVA_OPTS", "-Xlog:cds=info:stderr"), List.of("--version"));
        assertEquals(0, copy.exitCode(), copy.toString());
        assertFalse(copy.err().contains("ferry.jsa"), copy.toString());
        assertTrue(copy.out().matches("(?s)ferry \\d+\\.\\d+\\.\\d+\\S*\njava .*"), copy.toString());
    }

    @Test
    void jitIsChosenByFerryJitAndByTheCpusAvailable()
            throws IOException
    {
        Path ferry = distribution.resolve("bin/ferry");
        assertEquals(1, tieredStopAtLevel(ferry, Map.of("FERRY_JIT", "c1")));
        assertEquals(4, tieredStopAtLevel(ferry, Map.of("FERRY_JIT", "tiered")));
        // the launcher counts CPUs as the JVM does (affinity mask and cgroup quota)
        int auto = Runtime.getRuntime().availableProcessors() <= 2 ? 1 : 4;
        assertEquals(auto, tieredStopAtLevel(ferry, Map.of()));
        assertEquals(auto, tieredStopAtLevel(ferry, Map.of("FERRY_JIT", "")));
        // JAVA_OPTS comes later and wins
        Result overridden = run(ferry, Map.of("FERRY_JIT", "c1", "JAVA_OPTS", "-XX:TieredStopAtLevel=4 -XX:+PrintFlagsFinal"), List.of("--version"));
        assertTrue(overridden.out().matches("(?s).*\\sTieredStopAtLevel\\s+= 4\\s.*"), overridden.toString());

        Result bad = run(ferry, Map.of("FERRY_JIT", "fast"), List.of("--version"));
        assertEquals(2, bad.exitCode(), bad.toString());
        assertEquals("ferry: FERRY_JIT is fast; use auto (the default), c1 or tiered\n", bad.err(), bad.toString());
        assertEquals("", bad.out(), bad.toString());
    }

    private static int tieredStopAtLevel(Path ferry, Map<String, String> environment)
            throws IOException
    {
        Map<String, String> withFlags = new HashMap<>(environment);
        withFlags.put("JAVA_OPTS", "-XX:+PrintFlagsFinal");
        Result result = run(ferry, withFlags, List.of("--version"));
        assertEquals(0, result.exitCode(), result.toString());
        Matcher level = Pattern.compile("\\sTieredStopAtLevel\\s+= (\\d+)\\s").matcher(result.out());
        assertTrue(level.find(), result.toString());
        return Integer.parseInt(level.group(1));
    }

    /**
     * A copy of the built distribution with the example plugin in {@code plugins/}.
     */
    private static Path install(String name)
            throws IOException
    {
        Path home = temp.resolve(name).resolve("ferry");
        try (Stream<Path> files = Files.walk(distribution)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = home.resolve(distribution.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.copy(examplePluginJar, home.resolve("plugins").resolve(examplePluginJar.getFileName()));
        return home;
    }

    private static Result ferry(Path home, String... args)
            throws IOException
    {
        return run(home.resolve("bin/ferry"), Map.of(), List.of(args));
    }

    private static Result run(Path launcher, Map<String, String> environment, List<String> args)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile());
        Map<String, String> env = builder.environment();
        env.remove("JAVA_OPTS");
        env.remove("FERRY_OPTS");
        env.remove("FERRY_JIT");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(PASSWORDS);
        env.putAll(new HashMap<>(environment));
        Path out = Files.createTempFile(temp, "out", ".txt");
        Path err = Files.createTempFile(temp, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within 60s; stderr: " + Files.readString(err));
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void assertRow(Result result, Pattern row)
    {
        assertTrue(result.out().lines().anyMatch(line -> row.matcher(line).matches()), "no line matches " + row + "\n" + result);
    }

    /**
     * A modular jar whose descriptor requires {@code com.example.missing}, which no jar provides.
     */
    private static void writeModuleRequiringAMissingModule(Path jar)
            throws IOException
    {
        Path sources = Files.createDirectories(temp.resolve("broken-src"));
        Path missing = Files.createDirectories(sources.resolve("com.example.missing"));
        Path broken = Files.createDirectories(sources.resolve("com.example.broken"));
        Files.writeString(missing.resolve("module-info.java"), "module com.example.missing {}\n");
        Files.writeString(broken.resolve("module-info.java"), "module com.example.broken { requires com.example.missing; }\n");
        Path classes = temp.resolve("broken-classes");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = compiler.run(null, diagnostics, diagnostics,
                "--module-source-path", sources.toString(), "-d", classes.toString(),
                missing.resolve("module-info.java").toString(), broken.resolve("module-info.java").toString());
        assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("module-info.class"));
            out.write(Files.readAllBytes(classes.resolve("com.example.broken/module-info.class")));
            out.closeEntry();
        }
    }

    private static String requiredProperty(String name)
    {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set: run this test through Maven (mvn verify)");
        }
        return value;
    }

    private record Result(List<String> command, int exitCode, String out, String err)
    {
        @Override
        public String toString()
        {
            return String.join(" ", command) + "\nexit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }
}
