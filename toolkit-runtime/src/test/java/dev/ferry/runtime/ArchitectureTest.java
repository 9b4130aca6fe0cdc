package dev.ferry.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package structure of toolkit-runtime, read from its sources: no package cycle, every
 * package a real one, and no export nobody uses. An import scan, so no dependency is needed.
 */
class ArchitectureTest
{
    private static final String ROOT = "dev.ferry.runtime";
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Path SOURCES = MAIN.resolve(ROOT.replace('.', '/'));
    // a reference to a class of a runtime package: an import, a static import or a qualified name
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.ferry\\.runtime((?:\\.[a-z][a-z0-9_]*)*)\\.(?:[A-Z]|\\*)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    private static final Pattern EXPORT = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern LINE_COMMENT = Pattern.compile("(?m)//.*$");

    @Test
    void noPackageCycle()
    {
        Map<String, Map<String, Set<String>>> graph = dependencies(SOURCES);
        assertTrue(graph.size() > 5, "the scan found too few packages under " + SOURCES.toAbsolutePath() + ": " + graph.keySet());
        assertEquals(List.of(), cycles(graph), "package cycles in toolkit-runtime (package -> package: classes that make the edge)");
    }

    @Test
    void theCycleCheckSeesACycle()
    {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        graph.computeIfAbsent("a", key -> new TreeMap<>()).put("b", Set.of("a.X"));
        graph.computeIfAbsent("b", key -> new TreeMap<>()).put("c", Set.of("b.Y"));
        graph.computeIfAbsent("c", key -> new TreeMap<>()).put("a", Set.of("c.Z"));
        graph.computeIfAbsent("d", key -> new TreeMap<>()).put("a", Set.of("d.W"));
        assertEquals(List.of("a -> b (a.X), b -> c (b.Y), c -> a (c.Z)"), cycles(graph));
    }

    @Test
    void everyPackageHoldsCodeAndSaysWhatItIs()
            throws IOException
    {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> directories = Files.walk(SOURCES)) {
            for (Path directory : directories.filter(Files::isDirectory).toList()) {
                List<Path> sources;
                try (Stream<Path> files = Files.list(directory)) {
                    sources = files.filter(file -> file.toString().endsWith(".java")).toList();
                }
                boolean hasInfo = sources.stream().anyMatch(file -> file.getFileName().toString().equals("package-info.java"));
                boolean hasCode = sources.stream().anyMatch(file -> !file.getFileName().toString().equals("package-info.java"));
                String name = MAIN.relativize(directory).toString().replace('/', '.');
                if (!hasCode) {
                    problems.add(name + " holds no class");
                }
                else if (!hasInfo) {
                    problems.add(name + " has no package-info.java");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Each package toolkit-runtime exports is used by the main code of another module; an export
     * nobody needs is surface to keep compatible for nothing.
     */
    @Test
    void everyExportIsUsedByAnotherModule()
            throws IOException
    {
        String descriptor = withoutComments(Files.readString(MAIN.resolve("module-info.java")));
        Set<String> exported = new TreeSet<>();
        Matcher exports = EXPORT.matcher(descriptor);
        while (exports.find()) {
            exported.add(exports.group(1));
        }
        assertTrue(exported.contains(ROOT), "module-info.java exports " + exported);

        Path project = Path.of("").toAbsolutePath().getParent();
        List<Path> others = new ArrayList<>();
        for (Path parent : List.of(project, project.resolve("examples"))) {
            try (Stream<Path> modules = Files.list(parent)) {
                modules.filter(module -> !module.getFileName().toString().equals("toolkit-runtime"))
                        .map(module -> module.resolve(MAIN))
                        .filter(Files::isDirectory)
                        .forEach(others::add);
            }
        }
        assertTrue(others.size() > 3, "the scan found too few modules under " + project + ": " + others);
        Set<String> used = new TreeSet<>();
        for (Path main : others) {
            for (Map<String, Set<String>> references : dependencies(main).values()) {
                used.addAll(references.keySet());
            }
        }
        Set<String> unused = new TreeSet<>(exported);
        unused.removeAll(used);
        assertEquals(Set.of(), unused, "toolkit-runtime exports packages no other module's main code uses; drop the exports");
    }

    /**
     * For every package of the sources under {@code main}: the runtime packages its classes
     * refer to, each with the classes that do.
     */
    private static Map<String, Map<String, Set<String>>> dependencies(Path main)
    {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String source = withoutComments(Files.readString(file));
                Matcher declared = PACKAGE.matcher(source);
                String from = declared.find() ? declared.group(1) : "";
                String type = from + "." + file.getFileName().toString().replace(".java", "");
                Map<String, Set<String>> edges = graph.computeIfAbsent(from, key -> new TreeMap<>());
                Matcher reference = REFERENCE.matcher(source);
                while (reference.find()) {
                    String to = ROOT + reference.group(1);
                    if (!to.equals(from)) {
                        edges.computeIfAbsent(to, key -> new TreeSet<>()).add(type);
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    private static String withoutComments(String source)
    {
        return LINE_COMMENT.matcher(BLOCK_COMMENT.matcher(source).replaceAll(" ")).replaceAll("");
    }

    /**
     * One line per strongly connected group of packages (Tarjan), naming a cycle through it.
     */
    private static List<String> cycles(Map<String, Map<String, Set<String>>> graph)
    {
        Tarjan tarjan = new Tarjan(graph);
        for (String node : graph.keySet()) {
            if (!tarjan.index.containsKey(node)) {
                tarjan.connect(node);
            }
        }
        List<String> result = new ArrayList<>();
        for (Set<String> component : tarjan.components) {
            if (component.size() > 1) {
                result.add(describe(graph, component));
            }
        }
        return result;
    }

    // a path from the component's first package back to it, within the component
    private static String describe(Map<String, Map<String, Set<String>>> graph, Set<String> component)
    {
        String start = component.iterator().next();
        Map<String, String> previous = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        String last = null;
        while (!queue.isEmpty() && last == null) {
            String node = queue.removeFirst();
            for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
                if (next.equals(start)) {
                    last = node;
                    break;
                }
                if (component.contains(next) && !previous.containsKey(next)) {
                    previous.put(next, node);
                    queue.addLast(next);
                }
            }
        }
        List<String> path = new ArrayList<>(List.of(start));
        for (String node = last; !node.equals(start); node = previous.get(node)) {
            path.add(1, node);
        }
        path.add(start);
        List<String> edges = new ArrayList<>();
        for (int i = 0; i + 1 < path.size(); i++) {
            edges.add(path.get(i) + " -> " + path.get(i + 1) + " " + graph.get(path.get(i)).get(path.get(i + 1)).toString().replace('[', '(').replace(']', ')'));
        }
        return String.join(", ", edges);
    }

    private static final class Tarjan
    {
        private final Map<String, Map<String, Set<String>>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> components = new ArrayList<>();

        private Tarjan(Map<String, Map<String, Set<String>>> graph)
        {
            this.graph = graph;
        }

        private void connect(String node)
        {
            index.put(node, index.size());
            low.put(node, index.get(node));
            stack.push(node);
            onStack.add(node);
            for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
                if (!index.containsKey(next)) {
                    connect(next);
                    low.put(node, Math.min(low.get(node), low.get(next)));
                }
                else if (onStack.contains(next)) {
                    low.put(node, Math.min(low.get(node), index.get(next)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                Set<String> component = new TreeSet<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                }
                while (!member.equals(node));
                components.add(component);
            }
        }
    }
}
