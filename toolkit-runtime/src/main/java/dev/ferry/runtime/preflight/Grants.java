package dev.ferry.runtime.preflight;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privileges of the connected user, from its {@code SHOW GRANTS}: those on {@code *.*} and on
 * given databases. A user with roles or partial revokes is not judged (its grants are not all in
 * these lines), so {@link #missing} then finds nothing missing.
 */
final class Grants
{
    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (\\S+) TO .*", Pattern.CASE_INSENSITIVE);

    private final Set<String> global;
    private final List<String[]> perDatabase;
    private final boolean judged;

    private Grants(Set<String> global, List<String[]> perDatabase, boolean judged)
    {
        this.global = global;
        this.perDatabase = perDatabase;
        this.judged = judged;
    }

    static Grants of(Connection connection)
            throws SQLException
    {
        List<String> lines = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SHOW GRANTS")) {
            while (result.next()) {
                lines.add(result.getString(1));
            }
        }
        return parse(lines);
    }

    static Grants parse(List<String> lines)
    {
        Set<String> global = new LinkedHashSet<>();
        List<String[]> perDatabase = new ArrayList<>();
        boolean judged = true;
        for (String line : lines) {
            Matcher matcher = GRANT.matcher(line.strip());
            if (!matcher.matches()) {
                if (line.toUpperCase(Locale.ROOT).startsWith("REVOKE")) {
                    judged = false;
                }
                continue;
            }
            String on = matcher.group(2);
            if (!on.contains(".")) {
                continue;
            }
            if (matcher.group(1).startsWith("`") || matcher.group(1).startsWith("'")) {
                // GRANT `role` TO ...
                judged = false;
                continue;
            }
            for (String privilege : matcher.group(1).replaceAll("\\([^)]*\\)", "").split(",")) {
                String name = privilege.strip().toUpperCase(Locale.ROOT);
                if (on.equals("*.*")) {
                    global.add(name);
                }
                else if (on.endsWith(".*")) {
                    perDatabase.add(new String[] {unquote(on.substring(0, on.length() - 2)), name});
                }
            }
        }
        if (lines.stream().anyMatch(line -> line.matches("(?i)^GRANT `[^`]+`(@`[^`]*`)? TO .*"))) {
            judged = false;
        }
        return new Grants(global, perDatabase, judged);
    }

    /**
     * The privileges of {@code required} (each a list of alternatives) the user lacks on one of
     * {@code databases} (globally, or on every database when {@code databases} is empty).
     */
    List<String> missing(List<List<String>> required, Collection<String> databases)
    {
        List<String> missing = new ArrayList<>();
        if (!judged || global.contains("ALL PRIVILEGES") || global.contains("ALL")) {
            return missing;
        }
        for (List<String> alternatives : required) {
            boolean held = false;
            for (String privilege : alternatives) {
                if (global.contains(privilege) || !databases.isEmpty() && databases.stream().allMatch(database -> onDatabase(privilege, database))) {
                    held = true;
                    break;
                }
            }
            if (!held) {
                missing.add(String.join(" or ", alternatives));
            }
        }
        return missing;
    }

    private boolean onDatabase(String privilege, String database)
    {
        for (String[] grant : perDatabase) {
            if (grant[0].equals(database) && (grant[1].equals(privilege) || grant[1].equals("ALL PRIVILEGES"))) {
                return true;
            }
        }
        return false;
    }

    private static String unquote(String identifier)
    {
        if (identifier.length() >= 2 && identifier.startsWith("`") && identifier.endsWith("`")) {
            return identifier.substring(1, identifier.length() - 1).replace("``", "`").replace("\\_", "_");
        }
        return identifier;
    }
}
