package dev.ferry.api.model;

import static java.util.Objects.requireNonNull;

/**
 * A database-qualified table name. Names are kept exactly as the server reports them.
 */
public record TableName(String database, String table)
        implements Comparable<TableName>
{
    public TableName
    {
        requireNonNull(database, "database is null");
        requireNonNull(table, "table is null");
        if (database.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("database and table names must not be empty");
        }
    }

    /**
     * Parses {@code db.table}; backquotes around either part are removed.
     */
    public static TableName parse(String qualified)
    {
        requireNonNull(qualified, "qualified is null");
        int dot = findSeparator(qualified);
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("expected database.table, got '" + qualified + "'");
        }
        return new TableName(unquote(qualified.substring(0, dot)), unquote(qualified.substring(dot + 1)));
    }

    /**
     * {@code `db`.`table`}, safe to splice into SQL.
     */
    public String quoted()
    {
        return quoteIdentifier(database) + "." + quoteIdentifier(table);
    }

    /**
     * Quotes a MySQL identifier with backquotes, doubling embedded backquotes.
     */
    public static String quoteIdentifier(String identifier)
    {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public int compareTo(TableName other)
    {
        int result = database.compareTo(other.database);
        return result != 0 ? result : table.compareTo(other.table);
    }

    @Override
    public String toString()
    {
        return database + "." + table;
    }

    private static int findSeparator(String qualified)
    {
        boolean quoted = false;
        for (int i = 0; i < qualified.length(); i++) {
            char c = qualified.charAt(i);
            if (c == '`') {
                quoted = !quoted;
            }
            else if (c == '.' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String part)
    {
        if (part.length() >= 2 && part.startsWith("`") && part.endsWith("`")) {
            return part.substring(1, part.length() - 1).replace("``", "`");
        }
        return part;
    }
}
