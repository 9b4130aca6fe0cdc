package dev.ferry.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads server addresses from {@code FERRY_SOURCE_*}/{@code FERRY_TARGET_*} variables, the names
 * that {@code scripts/mysql-sandbox env} prints.
 */
final class ServerEnvironment
{
    static final String SOURCE_HOST = "FERRY_SOURCE_HOST";
    static final String FLAVOR = "FERRY_SERVER_FLAVOR";

    private static final List<String> ROLES = List.of("source", "target");
    private static final List<String> REQUIRED_SUFFIXES = List.of("HOST", "USER", "PASSWORD", "ADMIN_USER", "ADMIN_PASSWORD");

    private ServerEnvironment() {}

    /**
     * The source and target addresses, or empty when {@code FERRY_SOURCE_HOST} is not set.
     *
     * @throws IllegalArgumentException listing every missing or invalid variable
     */
    static Optional<List<ServerAddress>> addresses(Map<String, String> variables)
    {
        requireNonNull(variables, "variables is null");
        if (variables.get(SOURCE_HOST) == null) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        Optional<ServerFlavor> flavor = Optional.empty();
        String flavorValue = variables.get(FLAVOR);
        if (flavorValue != null && !flavorValue.isBlank()) {
            try {
                flavor = Optional.of(ServerFlavor.parse(flavorValue));
            }
            catch (IllegalArgumentException e) {
                problems.add(FLAVOR + ": " + e.getMessage());
            }
        }
        List<ServerAddress> addresses = new ArrayList<>();
        for (String role : ROLES) {
            String prefix = "FERRY_" + role.toUpperCase(Locale.ROOT) + "_";
            for (String suffix : REQUIRED_SUFFIXES) {
                if (variables.get(prefix + suffix) == null) {
                    problems.add(prefix + suffix + " is not set");
                }
            }
            int port = 3306;
            String portValue = variables.get(prefix + "PORT");
            if (portValue != null) {
                try {
                    port = Integer.parseInt(portValue.trim());
                    if (port < 1 || port > 65535) {
                        problems.add(prefix + "PORT must be between 1 and 65535 (got " + portValue + ")");
                    }
                }
                catch (NumberFormatException e) {
                    problems.add(prefix + "PORT must be a number (got \"" + portValue + "\")");
                }
            }
            if (problems.isEmpty()) {
                addresses.add(new ServerAddress(
                        role,
                        variables.get(prefix + "HOST"),
                        port,
                        variables.get(prefix + "USER"),
                        variables.get(prefix + "PASSWORD"),
                        variables.get(prefix + "ADMIN_USER"),
                        variables.get(prefix + "ADMIN_PASSWORD"),
                        flavor));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("incomplete server environment (" + SOURCE_HOST + " is set): " + String.join("; ", problems));
        }
        return Optional.of(List.copyOf(addresses));
    }

    /**
     * Parses the output of {@code scripts/mysql-sandbox env}: {@code export NAME=VALUE} lines,
     * values bare or in single or double quotes. Blank lines and comments are skipped.
     *
     * @throws IllegalArgumentException on a line of any other shape
     */
    static Map<String, String> parseExports(String text)
    {
        requireNonNull(text, "text is null");
        Map<String, String> variables = new LinkedHashMap<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).stripLeading();
            }
            int equals = line.indexOf('=');
            String name = equals < 0 ? "" : line.substring(0, equals);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not an export: " + redact(lines[i]));
            }
            variables.put(name, unquote(line.substring(equals + 1), i + 1));
        }
        return variables;
    }

    private static String unquote(String value, int lineNumber)
    {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            char last = value.charAt(value.length() - 1);
            if ((first == '\'' || first == '"') && first == last) {
                return value.substring(1, value.length() - 1);
            }
        }
        if (value.startsWith("'") || value.startsWith("\"")) {
            throw new IllegalArgumentException("line " + lineNumber + " has an unterminated quote");
        }
        return value;
    }

    private static String redact(String line)
    {
        return line.replaceAll("(?i)(PASSWORD\\s*=).*", "$1***");
    }
}
