package dev.ferry.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Holds the SPI's public signatures against the record committed in {@code api/toolkit-api.api}.
 *
 * <p>Fails when a recorded signature is gone or changed, or when an interface gains an abstract
 * method (both break plugins built against an earlier release), and when a compatible addition is
 * not recorded yet. {@code mvn -pl toolkit-api test -Dferry.api.update=true} records additions;
 * {@code -Dferry.api.update=incompatible} also records breaking changes, for a release that
 * announces them.
 */
class ApiCompatibilityTest
{
    private static final Path RECORD = Path.of("api", "toolkit-api.api");
    private static final Path CLASSES = Path.of("target", "classes");
    private static final String UPDATE = "ferry.api.update";

    @Test
    void publicSignaturesKeepTheRecordedApi()
            throws IOException
    {
        List<String> current = ApiSignatures.read(CLASSES);
        List<String> recorded = Files.exists(RECORD) ? Files.readAllLines(RECORD, StandardCharsets.UTF_8) : List.of();
        ApiDiff diff = ApiDiff.between(recorded, current);
        String update = System.getProperty(UPDATE, "");

        if (diff.isEmpty()) {
            return;
        }
        boolean accepted = update.equals("incompatible") || (update.equals("true") && diff.incompatible().isEmpty());
        if (accepted) {
            Files.createDirectories(RECORD.getParent());
            Files.write(RECORD, current, StandardCharsets.UTF_8);
            return;
        }
        fail(diff.report(RECORD));
    }

    @Test
    void diffFindsRemovedChangedAndAbstractAdditions()
    {
        List<String> recorded = List.of(
                "type public abstract interface dev.ferry.api.X",
                "  dev.ferry.api.X :: public abstract java.lang.String dev.ferry.api.X.name()",
                "  dev.ferry.api.X :: public default int dev.ferry.api.X.size()");
        List<String> current = List.of(
                "type public abstract interface dev.ferry.api.X",
                "  dev.ferry.api.X :: public abstract java.lang.String dev.ferry.api.X.name()",
                "  dev.ferry.api.X :: public default long dev.ferry.api.X.size()",
                "  dev.ferry.api.X :: public abstract void dev.ferry.api.X.close()",
                "  dev.ferry.api.X :: public default void dev.ferry.api.X.open()");

        ApiDiff diff = ApiDiff.between(recorded, current);

        assertEquals(List.of(
                        "removed or changed:   dev.ferry.api.X :: public default int dev.ferry.api.X.size()",
                        "abstract method added (make it a default method):   dev.ferry.api.X :: public abstract void dev.ferry.api.X.close()"),
                diff.incompatible());
        assertEquals(List.of(
                        "  dev.ferry.api.X :: public default long dev.ferry.api.X.size()",
                        "  dev.ferry.api.X :: public default void dev.ferry.api.X.open()"),
                diff.additions());
    }

    @Test
    void runtimeBuiltRecordsMayGrowButTheirAccessorsMayNotGo()
    {
        List<String> lines = ApiSignatures.read(CLASSES);

        assertTrue(lines.stream().anyMatch(line -> line.contains(" :: public dev.ferry.api.model.TableName(java.lang.String,java.lang.String)")),
                "a record that is not @RuntimeBuilt keeps its canonical constructor in the API");
        assertFalse(lines.stream().anyMatch(line -> line.contains(" :: public dev.ferry.api.model.TableSchema(")),
                "the constructor of a @RuntimeBuilt record is not part of the API");
        assertTrue(lines.stream().anyMatch(line -> line.contains("dev.ferry.api.model.TableSchema.columns()")),
                "accessors of a @RuntimeBuilt record stay in the API");
    }

    record ApiDiff(List<String> incompatible, List<String> additions)
    {
        static ApiDiff between(List<String> recorded, List<String> current)
        {
            Set<String> now = new LinkedHashSet<>(current);
            Set<String> before = new LinkedHashSet<>(recorded);
            List<String> incompatible = new ArrayList<>();
            List<String> additions = new ArrayList<>();
            for (String line : recorded) {
                if (!now.contains(line)) {
                    incompatible.add("removed or changed: " + line);
                }
            }
            for (String line : current) {
                if (before.contains(line)) {
                    continue;
                }
                if (!recorded.isEmpty() && ApiSignatures.breaksImplementors(line) && !typeIsNew(line, before)) {
                    incompatible.add("abstract method added (make it a default method): " + line);
                }
                else {
                    additions.add(line);
                }
            }
            return new ApiDiff(List.copyOf(incompatible), List.copyOf(additions));
        }

        private static boolean typeIsNew(String memberLine, Set<String> recorded)
        {
            String typeName = memberLine.substring(ApiSignatures.MEMBER.length(), memberLine.indexOf(" :: "));
            for (String line : recorded) {
                if (line.startsWith(ApiSignatures.TYPE) && (line.endsWith(" " + typeName) || line.contains(" " + typeName + " ") || line.contains(" " + typeName + "<"))) {
                    return false;
                }
            }
            return true;
        }

        boolean isEmpty()
        {
            return incompatible.isEmpty() && additions.isEmpty();
        }

        String report(Path record)
        {
            StringBuilder report = new StringBuilder("The SPI's public signatures differ from ").append(record.toAbsolutePath()).append('\n');
            if (!incompatible.isEmpty()) {
                report.append("\nIncompatible changes (plugins built against the recorded SPI would break):\n");
                incompatible.forEach(line -> report.append("  ").append(line).append('\n'));
                report.append("Keep the old signature (deprecate it, add the new one beside it), or, for a release that announces the break, "
                        + "record it with: mvn -pl toolkit-api test -Dferry.api.update=incompatible\n");
            }
            if (!additions.isEmpty()) {
                report.append("\nAdditions not recorded yet:\n");
                additions.forEach(line -> report.append("  ").append(line).append('\n'));
                report.append("Record them in the same commit: mvn -pl toolkit-api test -Dferry.api.update=true\n");
            }
            return report.toString();
        }
    }
}
