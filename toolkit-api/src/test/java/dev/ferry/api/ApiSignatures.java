package dev.ferry.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The public signatures of the SPI, one line each, as recorded in {@code toolkit-api/api/toolkit-api.api}.
 *
 * <p>Reads the compiled classes of every package that {@code module-info} exports unqualified:
 * each public type with its kind, modifiers, supertypes and permitted subtypes, and each public or
 * protected field, constructor and method by its generic signature. Constructors of
 * {@link RuntimeBuilt} types are left out: they are not part of the compatibility promise.
 */
final class ApiSignatures
{
    static final String TYPE = "type ";
    static final String MEMBER = "  ";

    private ApiSignatures() {}

    static List<String> read(Path classes)
    {
        requireNonNull(classes, "classes is null");
        ModuleDescriptor module = descriptor(classes.resolve("module-info.class"));
        ClassLoader loader = ApiSignatures.class.getClassLoader();
        List<String> lines = new ArrayList<>();
        for (String exported : exportedPackages(module)) {
            for (Class<?> type : types(classes, exported, loader)) {
                lines.add(TYPE + typeLine(type));
                for (String member : members(type)) {
                    lines.add(MEMBER + type.getName() + " :: " + member);
                }
            }
        }
        return lines;
    }

    /**
     * Whether a line present now and absent from the record breaks plugins compiled against the
     * record: a new abstract method of an interface breaks every plugin implementing it.
     */
    static boolean breaksImplementors(String line)
    {
        int member = line.indexOf(" :: ");
        if (!line.startsWith(MEMBER) || member < 0) {
            return false;
        }
        String signature = line.substring(member + " :: ".length());
        return signature.startsWith("public abstract ") || signature.startsWith("protected abstract ");
    }

    private static ModuleDescriptor descriptor(Path moduleInfo)
    {
        try (InputStream in = Files.newInputStream(moduleInfo)) {
            return ModuleDescriptor.read(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + moduleInfo + "; run the build first", e);
        }
    }

    private static List<String> exportedPackages(ModuleDescriptor module)
    {
        return module.exports().stream()
                .filter(export -> !export.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .sorted()
                .toList();
    }

    private static List<Class<?>> types(Path classes, String packageName, ClassLoader loader)
    {
        Path directory = classes.resolve(packageName.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".class") || fileName.equals("package-info.class")) {
                    continue;
                }
                Class<?> type = Class.forName(packageName + "." + fileName.substring(0, fileName.length() - ".class".length()), false, loader);
                if (isApi(type)) {
                    types.add(type);
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return types;
    }

    private static boolean isApi(Class<?> type)
    {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> current = type; current != null; current = current.getDeclaringClass()) {
            if (!Modifier.isPublic(current.getModifiers()) && !Modifier.isProtected(current.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static String typeLine(Class<?> type)
    {
        StringBuilder line = new StringBuilder(type.toGenericString());
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            line.append(" extends ").append(superclass.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        if (interfaces.length > 0) {
            line.append(type.isInterface() ? " extends " : " implements ");
            line.append(String.join(", ", Arrays.stream(interfaces).map(Type::getTypeName).sorted().toList()));
        }
        if (type.isSealed()) {
            line.append(" permits ").append(String.join(", ", Arrays.stream(type.getPermittedSubclasses()).map(Class::getName).sorted().toList()));
        }
        if (type.isAnnotationPresent(RuntimeBuilt.class)) {
            line.append(" @RuntimeBuilt");
        }
        return line.toString();
    }

    private static TreeSet<String> members(Class<?> type)
    {
        TreeSet<String> members = new TreeSet<>();
        for (Field field : type.getDeclaredFields()) {
            if (visible(field) && !field.isSynthetic()) {
                members.add(field.toGenericString());
            }
        }
        if (!type.isAnnotationPresent(RuntimeBuilt.class)) {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (visible(constructor) && !constructor.isSynthetic()) {
                    members.add(constructor.toGenericString());
                }
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (visible(method) && !method.isSynthetic() && !method.isBridge()) {
                members.add(method.toGenericString());
            }
        }
        return members;
    }

    private static boolean visible(Member member)
    {
        return Modifier.isPublic(member.getModifiers()) || Modifier.isProtected(member.getModifiers());
    }
}
