package dev.ferry.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One real MySQL-family server of the test harness. Holds two accounts: the unprivileged
 * {@code ferry} user with exactly the grants ferry documents ({@code docs/privileges.md}), which is
 * what the code under test should use, and an administrator for setting up and checking data.
 * Thread-safe; every call opens its own connection.
 */
public final class MySqlServer
{
    private static final String URL_PARAMETERS = "sslMode=DISABLED"
            + "&allowPublicKeyRetrieval=true"
            + "&allowLoadLocalInfile=true"
            + "&characterEncoding=UTF-8"
            + "&connectTimeout=10000";

    private final String role;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String adminUser;
    private final String adminPassword;
    private final ServerFlavor flavor;
    private final String version;

    public MySqlServer(
            String role,
            String host,
            int port,
            String user,
            String password,
            String adminUser,
            String adminPassword,
            ServerFlavor flavor,
            String version)
    {
        this.role = requireNonNull(role, "role is null");
        this.host = requireNonNull(host, "host is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 (got " + port + ")");
        }
        this.port = port;
        this.user = requireNonNull(user, "user is null");
        this.password = requireNonNull(password, "password is null");
        this.adminUser = requireNonNull(adminUser, "adminUser is null");
        this.adminPassword = requireNonNull(adminPassword, "adminPassword is null");
        this.flavor = requireNonNull(flavor, "flavor is null");
        this.version = requireNonNull(version, "version is null");
    }

    /**
     * {@code source} or {@code target}.
     */
    public String role()
    {
        return role;
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }

    /**
     * The unprivileged user ferry itself connects as.
     */
    public String user()
    {
        return user;
    }

    public String password()
    {
        return password;
    }

    public String adminUser()
    {
        return adminUser;
    }

    public String adminPassword()
    {
        return adminPassword;
    }

    public ServerFlavor flavor()
    {
        return flavor;
    }

    /**
     * The server's {@code SELECT VERSION()}, e.g. {@code 10.11.18-MariaDB-0+deb12u1-log}.
     */
    public String version()
    {
        return version;
    }

    /**
     * Whether {@link #version()} is at least {@code major.minor}, e.g. {@code isAtLeast(11, 4)}.
     * For tests whose expectation depends on the server version.
     */
    public boolean isAtLeast(int major, int minor)
    {
        int[] parsed = majorMinor(version);
        return parsed[0] > major || (parsed[0] == major && parsed[1] >= minor);
    }

    /**
     * Whether the server stores a FLOAT or DOUBLE {@code -0e0} as negative zero: MariaDB 11.4
     * does, 10.11 stores 0. A move from a server that keeps it to one that does not turns -0
     * into 0.
     */
    public boolean keepsNegativeZero()
    {
        return "-0".equals(query("SELECT CAST(-0e0 AS CHAR)").get(0).get(0));
    }

    /**
     * The {@code major.minor} of a {@code SELECT VERSION()} string ({@code 11.4.5-MariaDB-log}
     * gives 11 and 4).
     *
     * @throws IllegalArgumentException when the string does not start with {@code major.minor}
     */
    static int[] majorMinor(String version)
    {
        Matcher matcher = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!matcher.find()) {
            throw new IllegalArgumentException("server version \"" + version + "\" does not start with major.minor");
        }
        return new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))};
    }

    /**
     * A mysql-connector-j URL for the given default database ({@code ""} for none). Carries no
     * credentials.
     */
    public String jdbcUrl(String database)
    {
        requireNonNull(database, "database is null");
        return "jdbc:mysql://" + host + ":" + port + "/" + database + "?" + URL_PARAMETERS;
    }

    /**
     * A connection as the administrator, without a default database.
     */
    public Connection openAdmin()
            throws SQLException
    {
        return openAdmin("");
    }

    /**
     * A connection as the administrator, with the given default database.
     */
    public Connection openAdmin(String database)
            throws SQLException
    {
        return DriverManager.getConnection(jdbcUrl(database), adminUser, adminPassword);
    }

    /**
     * A connection as the unprivileged ferry user, without a default database.
     */
    public Connection open()
            throws SQLException
    {
        return open("");
    }

    /**
     * A connection as the unprivileged ferry user, with the given default database.
     */
    public Connection open(String database)
            throws SQLException
    {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    /**
     * Runs statements in order as the administrator, without a default database.
     *
     * @throws UncheckedSqlException naming the failed statement
     */
    public void execute(String... sql)
    {
        executeIn("", sql);
    }

    /**
     * Runs statements in order as the administrator, with the given default database.
     *
     * @throws UncheckedSqlException naming the failed statement
     */
    public void executeIn(String database, String... sql)
    {
        requireNonNull(database, "database is null");
        requireNonNull(sql, "sql is null");
        try (Connection connection = openAdmin(database);
                Statement statement = connection.createStatement()) {
            for (String each : sql) {
                try {
                    statement.execute(each);
                }
                catch (SQLException e) {
                    throw new UncheckedSqlException(role + ": " + e.getMessage() + "; statement: " + abbreviate(each), e);
                }
            }
        }
        catch (SQLException e) {
            throw new UncheckedSqlException(role + ": cannot connect as " + adminUser + " to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first column of the first row as a long, queried as the administrator.
     *
     * @throws UncheckedSqlException if the query fails, returns no row or a NULL
     */
    public long queryLong(String sql)
    {
        List<List<String>> rows = query(sql);
        if (rows.isEmpty() || rows.get(0).isEmpty() || rows.get(0).get(0) == null) {
            throw new UncheckedSqlException(role + ": no value returned by: " + abbreviate(sql), null);
        }
        return Long.parseLong(rows.get(0).get(0));
    }

    /**
     * All rows as text ({@code getString}; SQL NULL as Java null), queried as the administrator.
     * Meant for assertions on small results.
     */
    public List<List<String>> query(String sql)
    {
        requireNonNull(sql, "sql is null");
        try (Connection connection = openAdmin();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            ResultSetMetaData metaData = resultSet.getMetaData();
            int columns = metaData.getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (resultSet.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(resultSet.getString(i));
                }
                rows.add(Collections.unmodifiableList(row));
            }
            return Collections.unmodifiableList(rows);
        }
        catch (SQLException e) {
            throw new UncheckedSqlException(role + ": " + e.getMessage() + "; query: " + abbreviate(sql), e);
        }
    }

    private static String abbreviate(String sql)
    {
        return sql.length() <= 500 ? sql : sql.substring(0, 500) + "...";
    }

    @Override
    public String toString()
    {
        return role + " " + flavor + " " + version + " at " + host + ":" + port + " (user " + user + ", admin " + adminUser + ")";
    }
}
