package dev.ferry.runtime.objects;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.config.SchemaObjectsConfig;
import dev.ferry.runtime.objects.SchemaObject.Kind;

import javax.sql.DataSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Reads the views, triggers, routines and events of some databases from one server, each with its
 * {@code SHOW CREATE} statement. Triggers come in the order they fire, so creating them in list
 * order keeps their order.
 */
public final class ObjectReader
{
    private final DataSource dataSource;

    public ObjectReader(DataSource dataSource)
    {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    /**
     * The kinds {@code config} turns on.
     */
    public static Set<Kind> kinds(SchemaObjectsConfig config)
    {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        if (config.views()) {
            kinds.add(Kind.VIEW);
        }
        if (config.triggers()) {
            kinds.add(Kind.TRIGGER);
        }
        if (config.routines()) {
            kinds.add(Kind.PROCEDURE);
            kinds.add(Kind.FUNCTION);
        }
        if (config.events()) {
            kinds.add(Kind.EVENT);
        }
        return kinds;
    }

    /**
     * The objects of {@code kinds} in {@code databases}, views first, then routines, triggers and events.
     *
     * @throws FerryException when a definition cannot be read (a missing privilege), naming it
     */
    public List<SchemaObject> read(Collection<String> databases, Set<Kind> kinds)
            throws SQLException
    {
        List<SchemaObject> objects = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            for (String database : databases) {
                if (kinds.contains(Kind.VIEW)) {
                    for (String[] row : names(connection, "SELECT TABLE_NAME, DEFINER, NULL, 0 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", database)) {
                        objects.add(showCreate(connection, Kind.VIEW, database, row));
                    }
                }
                for (Kind kind : List.of(Kind.PROCEDURE, Kind.FUNCTION)) {
                    if (kinds.contains(kind)) {
                        for (String[] row : names(connection, "SELECT ROUTINE_NAME, DEFINER, NULL, 0 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = '"
                                + kind.sqlName() + "' ORDER BY ROUTINE_NAME", database)) {
                            objects.add(showCreate(connection, kind, database, row));
                        }
                    }
                }
                if (kinds.contains(Kind.TRIGGER)) {
                    for (String[] row : names(connection, "SELECT TRIGGER_NAME, DEFINER, EVENT_OBJECT_TABLE, 0 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? "
                            + "ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER", database)) {
                        objects.add(showCreate(connection, Kind.TRIGGER, database, row));
                    }
                }
                if (kinds.contains(Kind.EVENT)) {
                    for (String[] row : names(connection, "SELECT EVENT_NAME, DEFINER, NULL, STATUS = 'ENABLED' FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME", database)) {
                        objects.add(showCreate(connection, Kind.EVENT, database, row));
                    }
                }
            }
        }
        return objects;
    }

    private static List<String[]> names(Connection connection, String sql, String database)
            throws SQLException
    {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, database);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new String[] {text(result, 1), text(result, 2), text(result, 3), text(result, 4)});
                }
            }
        }
        return rows;
    }

    private static SchemaObject showCreate(Connection connection, Kind kind, String database, String[] row)
            throws SQLException
    {
        String name = row[0];
        String sql = "SHOW CREATE " + kind.sqlName() + " " + SchemaObject.quote(database) + "." + SchemaObject.quote(name);
        String create;
        String sqlMode = null;
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            if (!result.next()) {
                throw new FerryException("cannot read " + kind.label() + " " + database + "." + name + ": " + sql + " returned nothing");
            }
            String column = switch (kind) {
                case VIEW -> "Create View";
                case TRIGGER -> "SQL Original Statement";
                case PROCEDURE -> "Create Procedure";
                case FUNCTION -> "Create Function";
                case EVENT -> "Create Event";
            };
            create = text(result, result.findColumn(column));
            if (kind != Kind.VIEW) {
                sqlMode = text(result, result.findColumn("sql_mode"));
            }
        }
        catch (SQLException e) {
            throw new FerryException("cannot read the definition of " + kind.label() + " " + database + "." + name + " (" + e.getMessage() + "): "
                    + "grant ferry's source user " + privilege(kind) + ", or set schemaObjects." + configKey(kind) + ": false", e);
        }
        if (create == null) {
            throw new FerryException("cannot read the definition of " + kind.label() + " " + database + "." + name + ": grant ferry's source user "
                    + privilege(kind) + ", or set schemaObjects." + configKey(kind) + ": false");
        }
        return new SchemaObject(kind, database, name, row[2], row[1], create, sqlMode, "1".equals(row[3]));
    }

    /**
     * The source privilege that reads {@code kind}'s definitions.
     */
    public static String privilege(Kind kind)
    {
        return switch (kind) {
            case VIEW -> "SHOW VIEW";
            case TRIGGER -> "TRIGGER";
            case PROCEDURE, FUNCTION -> "SELECT on mysql.proc (MariaDB) or SHOW_ROUTINE (MySQL 8)";
            case EVENT -> "EVENT";
        };
    }

    /**
     * The {@code schemaObjects} key that turns {@code kind} off.
     */
    public static String configKey(Kind kind)
    {
        return switch (kind) {
            case VIEW -> "views";
            case TRIGGER -> "triggers";
            case PROCEDURE, FUNCTION -> "routines";
            case EVENT -> "events";
        };
    }

    private static String text(ResultSet result, int column)
            throws SQLException
    {
        byte[] bytes = result.getBytes(column);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
