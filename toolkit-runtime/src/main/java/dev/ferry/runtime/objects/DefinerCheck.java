package dev.ferry.runtime.objects;

import dev.ferry.runtime.config.SchemaObjectsConfig;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Whether the target can create objects with their source definers: the account must exist on
 * the target, and ferry's target user must be the definer or be allowed to name another one
 * ({@code SET USER} on MariaDB, {@code SET_USER_ID}/{@code SET_ANY_DEFINER} on MySQL 8, or
 * {@code SUPER}).
 */
public final class DefinerCheck
{
    private static final Pattern GLOBAL_GRANT = Pattern.compile("^GRANT (.+) ON \\*\\.\\* TO .*", Pattern.CASE_INSENSITIVE);

    private final DataSource target;

    public DefinerCheck(DataSource target)
    {
        this.target = requireNonNull(target, "target is null");
    }

    /**
     * One problem listing every object whose definer the target cannot honour, with the option
     * that gives them ferry's target user instead; empty when all can be created as they are or
     * {@code schemaObjects.definer} is {@code target-user}.
     */
    public List<String> problems(List<SchemaObject> objects, SchemaObjectsConfig config)
            throws SQLException
    {
        if (config.definer() == SchemaObjectsConfig.Definer.TARGET_USER || objects.isEmpty()) {
            return List.of();
        }
        List<String> refused = new ArrayList<>();
        try (Connection connection = target.getConnection()) {
            String currentUser = currentUser(connection);
            boolean mayNameOthers = mayNameOtherDefiners(connection);
            for (SchemaObject object : objects) {
                String definer = object.definer();
                if (definer == null || definer.equals(currentUser)) {
                    continue;
                }
                String reason = null;
                var account = ObjectStatements.account(definer);
                if (account.isEmpty()) {
                    reason = "a role";
                }
                else if (!accountExists(connection, account.get()[0], account.get()[1])) {
                    reason = "no such account on the target";
                }
                else if (!mayNameOthers) {
                    reason = "ferry's target user " + currentUser + " may not create objects for another definer";
                }
                if (reason != null) {
                    refused.add(object.describe() + " (DEFINER " + definer + ": " + reason + ")");
                }
            }
        }
        if (refused.isEmpty()) {
            return List.of();
        }
        return List.of("the target cannot create these objects with their source definers: " + String.join(", ", refused)
                + ". Create the accounts on the target and grant ferry's target user SET USER (MariaDB) or SET_USER_ID (MySQL 8), "
                + "or set schemaObjects.definer: target-user to give them ferry's target user as definer");
    }

    private static String currentUser(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT CURRENT_USER()")) {
            result.next();
            return result.getString(1);
        }
    }

    static boolean mayNameOtherDefiners(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SHOW GRANTS")) {
            while (result.next()) {
                if (grantsDefinerPrivilege(result.getString(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a {@code SHOW GRANTS} line grants, on {@code *.*}, a privilege that names other definers.
     */
    static boolean grantsDefinerPrivilege(String grant)
    {
        var matcher = GLOBAL_GRANT.matcher(grant.strip());
        if (!matcher.matches()) {
            return false;
        }
        for (String privilege : matcher.group(1).split(",")) {
            String name = privilege.strip().toUpperCase(Locale.ROOT);
            if (name.equals("ALL PRIVILEGES") || name.equals("SUPER") || name.equals("SET USER") || name.equals("SET_USER_ID")
                    || name.equals("SET_ANY_DEFINER")) {
                return true;
            }
        }
        return false;
    }

    private static boolean accountExists(Connection connection, String user, String host)
    {
        try (PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = ?")) {
            statement.setString(1, user);
            statement.setString(2, host);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1) > 0;
            }
        }
        catch (SQLException e) {
            // without SELECT on mysql.user the account cannot be confirmed: treat it as missing
            return false;
        }
    }
}
