package dev.ferry.runtime.plugin;

import dev.ferry.api.FerryException;
import dev.ferry.api.PluginFactory;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Every plugin ferry can use: those in the boot layer (built-ins, or anything on the class path)
 * and those in jars dropped into plugin directories, each directory loaded into a child
 * {@link ModuleLayer}. A jar that cannot be resolved is reported by file name and reason and left
 * out; everything else keeps working.
 */
public final class PluginRegistry
{
    private final Map<PluginKind, Map<String, PluginDescriptor>> plugins;
    private final List<String> loadProblems;

    private PluginRegistry(Map<PluginKind, Map<String, PluginDescriptor>> plugins, List<String> loadProblems)
    {
        this.plugins = plugins;
        this.loadProblems = List.copyOf(loadProblems);
    }

    /**
     * Loads the boot layer's plugins and those of each existing directory in {@code pluginDirs}.
     *
     * @throws FerryException when two plugins of one kind share a name
     */
    public static PluginRegistry load(List<Path> pluginDirs)
    {
        requireNonNull(pluginDirs, "pluginDirs is null");
        List<String> problems = new ArrayList<>();
        List<ModuleLayer> layers = new ArrayList<>();
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(PluginRegistry.class.getClassLoader());
        for (Path dir : pluginDirs) {
            loadDirectory(dir, problems).ifPresent(layers::add);
        }

        Map<PluginKind, Map<String, PluginDescriptor>> plugins = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            Map<String, PluginDescriptor> byName = new LinkedHashMap<>();
            Set<Class<?>> seen = new HashSet<>();
            List<ServiceLoader<? extends PluginFactory<?>>> loadersOfKind = new ArrayList<>();
            loadersOfKind.add(ServiceLoader.load(ModuleLayer.boot(), kind.factoryType()));
            loadersOfKind.add(ServiceLoader.load(kind.factoryType(), PluginRegistry.class.getClassLoader()));
            for (ModuleLayer layer : layers) {
                loadersOfKind.add(ServiceLoader.load(layer, kind.factoryType()));
            }
            for (ServiceLoader<? extends PluginFactory<?>> loader : loadersOfKind) {
                for (ServiceLoader.Provider<? extends PluginFactory<?>> provider : providers(loader, kind, problems)) {
                    if (!seen.add(provider.type())) {
                        continue;
                    }
                    PluginFactory<?> factory;
                    try {
                        factory = provider.get();
                    }
                    catch (ServiceConfigurationError | RuntimeException e) {
                        problems.add(location(provider.type()) + ": cannot create " + kind.displayName() + " factory " + provider.type().getName() + ": " + e.getMessage());
                        continue;
                    }
                    PluginDescriptor descriptor = new PluginDescriptor(kind, factory.name(), moduleName(provider.type()), location(provider.type()), factory);
                    PluginDescriptor previous = byName.putIfAbsent(descriptor.name(), descriptor);
                    if (previous != null) {
                        duplicates.add(kind.displayName() + " \"" + descriptor.name() + "\" is provided twice: by " + previous.location()
                                + " (" + previous.module() + ") and by " + descriptor.location() + " (" + descriptor.module() + "); remove one of the jars");
                    }
                }
            }
            plugins.put(kind, byName);
        }
        if (!duplicates.isEmpty()) {
            throw new FerryException(String.join("\n", duplicates));
        }
        return new PluginRegistry(plugins, problems);
    }

    /**
     * Problems met while loading plugin jars; each names the jar.
     */
    public List<String> loadProblems()
    {
        return loadProblems;
    }

    /**
     * Every plugin, by kind then name.
     */
    public List<PluginDescriptor> all()
    {
        return plugins.values().stream()
                .flatMap(byName -> byName.values().stream())
                .sorted(Comparator.comparing((PluginDescriptor d) -> d.kind().ordinal()).thenComparing(PluginDescriptor::name))
                .toList();
    }

    public Optional<PluginDescriptor> find(PluginKind kind, String name)
    {
        return Optional.ofNullable(plugins.get(kind).get(name));
    }

    /**
     * The sorted names available for a kind, for error messages.
     */
    public List<String> names(PluginKind kind)
    {
        return plugins.get(kind).keySet().stream().sorted().toList();
    }

    /**
     * The message for an unknown plugin name:
     * {@code unknown verifier "inlne" (verifier.type); available: inline, none}.
     */
    public String unknownMessage(PluginKind kind, String name, String configPath)
    {
        List<String> names = names(kind);
        return "unknown " + kind.displayName() + " \"" + name + "\" (" + configPath + ".type); available: "
                + (names.isEmpty() ? "none installed" : String.join(", ", names));
    }

    private static <T> List<ServiceLoader.Provider<T>> providers(ServiceLoader<T> loader, PluginKind kind, List<String> problems)
    {
        List<ServiceLoader.Provider<T>> result = new ArrayList<>();
        var iterator = loader.stream().iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                result.add(iterator.next());
            }
            catch (ServiceConfigurationError e) {
                problems.add("cannot load a " + kind.displayName() + " plugin: " + e.getMessage());
            }
        }
        return result;
    }

    private static Optional<ModuleLayer> loadDirectory(Path dir, List<String> problems)
    {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
        catch (IOException e) {
            problems.add(dir + ": cannot list plugin directory: " + e.getMessage());
            return Optional.empty();
        }
        if (jars.isEmpty()) {
            return Optional.empty();
        }
        // Read each jar on its own first, so that an unreadable jar or two jars holding the same
        // module are reported by file name and do not take the other jars down.
        Map<String, Path> byModule = new LinkedHashMap<>();
        Set<String> duplicated = new HashSet<>();
        for (Path jar : jars) {
            String module;
            try {
                Set<ModuleReference> references = ModuleFinder.of(jar).findAll();
                if (references.isEmpty()) {
                    problems.add(jar.getFileName() + ": not a jar ferry can load");
                    continue;
                }
                module = references.iterator().next().descriptor().name();
            }
            catch (FindException e) {
                problems.add(jar.getFileName() + ": " + rootCauseMessage(e));
                continue;
            }
            Path previous = byModule.putIfAbsent(module, jar);
            if (previous != null) {
                duplicated.add(module);
                problems.add(previous.getFileName() + " and " + jar.getFileName() + " both hold module " + module + ": remove one of them");
            }
        }
        duplicated.forEach(byModule::remove);
        List<Path> readable = new ArrayList<>(byModule.values());
        // Then resolve jar by jar (dependencies may come from the other readable jars).
        List<Path> good = new ArrayList<>();
        for (Path jar : readable) {
            Optional<String> problem = resolutionProblem(List.of(jar), readable);
            if (problem.isPresent()) {
                problems.add(jar.getFileName() + ": " + problem.get());
            }
            else {
                good.add(jar);
            }
        }
        if (good.isEmpty()) {
            return Optional.empty();
        }
        try {
            ModuleFinder finder = ModuleFinder.of(good.toArray(Path[]::new));
            Set<String> roots = finder.findAll().stream().map(reference -> reference.descriptor().name()).collect(Collectors.toSet());
            Configuration configuration = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
            return Optional.of(ModuleLayer.boot().defineModulesWithOneLoader(configuration, PluginRegistry.class.getClassLoader()));
        }
        catch (FindException | ResolutionException | LayerInstantiationException e) {
            problems.add(dir + ": cannot load plugin jars together: " + e.getMessage());
            return Optional.empty();
        }
        catch (RuntimeException e) {
            problems.add(dir + ": cannot load plugin jars: " + e);
            return Optional.empty();
        }
    }

    private static Optional<String> resolutionProblem(List<Path> candidates, List<Path> all)
    {
        try {
            ModuleFinder finder = ModuleFinder.of(candidates.toArray(Path[]::new));
            Set<ModuleReference> references = finder.findAll();
            if (references.isEmpty()) {
                return Optional.of("not a jar ferry can load");
            }
            Set<String> roots = references.stream().map(reference -> reference.descriptor().name()).collect(Collectors.toSet());
            // Dependencies may come from the other jars of the directory.
            ModuleFinder others = ModuleFinder.of(all.toArray(Path[]::new));
            ModuleLayer.boot().configuration().resolveAndBind(ModuleFinder.compose(finder, others), ModuleFinder.of(), roots);
            return Optional.empty();
        }
        catch (FindException | ResolutionException e) {
            return Optional.of(rootCauseMessage(e));
        }
    }

    private static String rootCauseMessage(Throwable e)
    {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == e ? e.getMessage() : e.getMessage() + ": " + cause.getMessage();
    }

    private static String moduleName(Class<?> type)
    {
        Module module = type.getModule();
        return module.isNamed() ? module.getName() : "unnamed";
    }

    private static String location(Class<?> type)
    {
        Module module = type.getModule();
        if (module.isNamed() && module.getLayer() != null) {
            Optional<String> location = module.getLayer().configuration().findModule(module.getName())
                    .flatMap(resolved -> resolved.reference().location())
                    .map(uri -> Path.of(uri).toString());
            if (location.isPresent()) {
                return location.get();
            }
        }
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            try {
                return Path.of(source.getLocation().toURI()).toString();
            }
            catch (URISyntaxException | IllegalArgumentException e) {
                return source.getLocation().toString();
            }
        }
        return "unknown";
    }
}
