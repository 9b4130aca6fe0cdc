package dev.ferry.runtime.objects;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A view, trigger, stored routine or event as read from a server.
 *
 * @param database the database it lives in
 * @param table a trigger's table, else null
 * @param definer {@code user@host} as the server reports it, or null
 * @param create the server's {@code SHOW CREATE} statement
 * @param sqlMode the {@code sql_mode} it was created under, or null (views)
 * @param enabled an event's status is {@code ENABLED} (events only)
 */
public record SchemaObject(Kind kind, String database, String name, String table, String definer, String create, String sqlMode, boolean enabled)
{
    /**
     * The kinds of schema objects ferry moves, in the order their statements name them.
     */
    public enum Kind
    {
        VIEW, TRIGGER, PROCEDURE, FUNCTION, EVENT;

        public String sqlName()
        {
            return name();
        }

        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SchemaObject
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(database, "database is null");
        requireNonNull(name, "name is null");
        requireNonNull(create, "create is null");
    }

    /**
     * {@code `database`.`name`}.
     */
    public String quotedName()
    {
        return quote(database) + "." + quote(name);
    }

    public String describe()
    {
        return kind.label() + " " + database + "." + name;
    }

    /**
     * The key under which source and target objects are matched: kind, database, name.
     */
    public String key()
    {
        return kind + " " + database + "." + name;
    }

    static String quote(String identifier)
    {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
