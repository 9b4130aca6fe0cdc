package dev.ferry.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gives ferry's users on already running servers the privileges {@code docs/privileges.md}
 * documents for moving schema objects and for watching the target's binlog (servers started
 * before they were documented lack them; {@code scripts/mysql-sandbox} grants them on every
 * start), and the target the {@code log_bin_trust_function_creators} and statement-text logging
 * settings the sandbox starts it with. Idempotent, once per JVM.
 */
final class DocumentedGrants
{
    private static final AtomicBoolean APPLIED = new AtomicBoolean();

    private DocumentedGrants() {}

    static void ensure(ServerPair servers)
    {
        if (!APPLIED.compareAndSet(false, true)) {
            return;
        }
        grant(servers.source(), List.of("SHOW VIEW, TRIGGER, EVENT"));
        boolean mariadb = servers.target().flavor() == ServerFlavor.MARIADB;
        // the watch of the target's binlog for writes by others (verifier.watchTargetWrites)
        grant(servers.target(), mariadb
                ? List.of("CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, TRIGGER, EVENT", "SET USER", "REPLICATION SLAVE, BINLOG MONITOR")
                : List.of("CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, TRIGGER, EVENT", "SET_USER_ID", "SET_ANY_DEFINER",
                        "REPLICATION SLAVE, REPLICATION CLIENT"));
        // as scripts/mysql-sandbox starts them: a target with a binlog lets users without SUPER
        // create functions and triggers only with this setting; and it logs the statement text of
        // row events (MariaDB's default; sandboxes started before the watch had it off)
        try (Connection connection = servers.target().openAdmin(); Statement statement = connection.createStatement()) {
            statement.execute("SET GLOBAL log_bin_trust_function_creators = ON");
            statement.execute(mariadb ? "SET GLOBAL binlog_annotate_row_events = ON" : "SET GLOBAL binlog_rows_query_log_events = ON");
        }
        catch (SQLException e) {
            throw new UncheckedSqlException("target: cannot set log_bin_trust_function_creators and the logging of statement texts: " + e.getMessage(), e);
        }
    }

    private static void grant(MySqlServer server, List<String> privileges)
    {
        try (Connection connection = server.openAdmin(); Statement statement = connection.createStatement()) {
            for (String each : privileges) {
                try {
                    statement.execute("GRANT " + each + " ON *.* TO '" + server.user().replace("'", "''") + "'@'%'");
                }
                catch (SQLException e) {
                    // a privilege this server version does not know (SET_USER_ID was replaced by SET_ANY_DEFINER)
                }
            }
        }
        catch (SQLException e) {
            throw new UncheckedSqlException(server.role() + ": cannot grant ferry's user the documented privileges: " + e.getMessage(), e);
        }
    }
}
