package dev.ferry.runtime.schema;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import javax.sql.DataSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Reads table structures from {@code information_schema}. Works on MySQL 8 and MariaDB; values
 * are read as text so that the session's {@code character_set_results} does not matter.
 */
public final class SchemaLoader
{
    private static final Pattern GENERATED = Pattern.compile("\\b(VIRTUAL|STORED|PERSISTENT) GENERATED\\b", Pattern.CASE_INSENSITIVE);

    private final DataSource dataSource;

    public SchemaLoader(DataSource dataSource)
    {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    public DataSource dataSource()
    {
        return dataSource;
    }

    /**
     * Names of all databases on the server.
     */
    public List<String> databases()
            throws SQLException
    {
        List<String> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT CAST(schema_name AS CHAR CHARACTER SET utf8mb4) FROM information_schema.schemata ORDER BY 1");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                result.add(text(rows, 1));
            }
        }
        return result;
    }

    /**
     * Base tables (no views) of a database, sorted by name.
     */
    public List<TableName> tables(String database)
            throws SQLException
    {
        List<TableName> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT CAST(table_name AS CHAR CHARACTER SET utf8mb4) FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1")) {
            statement.setString(1, database);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(new TableName(database, text(rows, 1)));
                }
            }
        }
        return result;
    }

    /**
     * The table's structure with its primary key (if any) as pagination key; callers choose the
     * final pagination key with {@link PaginationKeys}. Empty when the table does not exist.
     */
    public Optional<TableSchema> load(TableName table)
            throws SQLException
    {
        try (Connection connection = dataSource.getConnection()) {
            List<Column> columns = columns(connection, table);
            if (columns.isEmpty()) {
                return Optional.empty();
            }
            List<IndexInfo> indexes = indexes(connection, table);
            List<ForeignKey> foreignKeys = foreignKeys(connection, table);
            String fingerprint = fingerprint(columns, indexes);
            PaginationKey key = PaginationKey.fullCopy();
            for (IndexInfo index : indexes) {
                if (index.isPrimary()) {
                    List<Column> keyColumns = new ArrayList<>();
                    for (String name : index.columns()) {
                        keyColumns.add(columns.get(indexOf(columns, name)));
                    }
                    key = new PaginationKey(keyColumns, "primary key");
                }
            }
            return Optional.of(new TableSchema(table, columns, indexes, foreignKeys, key, fingerprint));
        }
    }

    /**
     * The table's {@code SHOW CREATE TABLE} text.
     */
    public String showCreateTable(TableName table)
            throws SQLException
    {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SHOW CREATE TABLE " + table.quoted());
                ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("SHOW CREATE TABLE " + table + " returned nothing");
            }
            return text(rows, 2);
        }
    }

    private static List<Column> columns(Connection connection, TableName table)
            throws SQLException
    {
        String sql = "SELECT CAST(column_name AS CHAR CHARACTER SET utf8mb4), CAST(data_type AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(column_type AS CHAR CHARACTER SET utf8mb4), CAST(is_nullable AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(character_set_name AS CHAR CHARACTER SET utf8mb4), CAST(collation_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(extra AS CHAR CHARACTER SET utf8mb4) "
                + "FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position";
        List<Column> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.database());
            statement.setString(2, table.table());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String columnType = text(rows, 3);
                    ColumnType type = ColumnType.fromDataType(text(rows, 2));
                    String extra = text(rows, 7);
                    boolean unsigned = columnType.toLowerCase(Locale.ROOT).contains("unsigned");
                    boolean generated = extra != null && GENERATED.matcher(extra).find();
                    List<String> members = type == ColumnType.ENUM || type == ColumnType.SET ? enumMembers(columnType) : List.of();
                    result.add(new Column(text(rows, 1), result.size(), type, columnType, unsigned, "YES".equals(text(rows, 4)),
                            text(rows, 5), text(rows, 6), generated, members));
                }
            }
        }
        return result;
    }

    private static List<IndexInfo> indexes(Connection connection, TableName table)
            throws SQLException
    {
        String sql = "SELECT CAST(index_name AS CHAR CHARACTER SET utf8mb4), CAST(column_name AS CHAR CHARACTER SET utf8mb4), non_unique, sub_part "
                + "FROM information_schema.statistics WHERE table_schema = ? AND table_name = ? "
                + "ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index";
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.database());
            statement.setString(2, table.table());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String name = text(rows, 1);
                    String column = text(rows, 2);
                    columns.computeIfAbsent(name, key -> new ArrayList<>()).add(column == null ? "" : column);
                    // A prefix index or an expression index does not make its columns unique.
                    boolean uniqueHere = rows.getLong(3) == 0 && rows.getObject(4) == null && column != null;
                    unique.merge(name, uniqueHere, Boolean::logicalAnd);
                }
            }
        }
        List<IndexInfo> result = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : columns.entrySet()) {
            result.add(new IndexInfo(entry.getKey(), entry.getValue(), unique.get(entry.getKey())));
        }
        return result;
    }

    private static List<ForeignKey> foreignKeys(Connection connection, TableName table)
            throws SQLException
    {
        String sql = "SELECT CAST(k.constraint_name AS CHAR CHARACTER SET utf8mb4), CAST(k.column_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(k.referenced_table_schema AS CHAR CHARACTER SET utf8mb4), CAST(k.referenced_table_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(k.referenced_column_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(r.delete_rule AS CHAR CHARACTER SET utf8mb4), CAST(r.update_rule AS CHAR CHARACTER SET utf8mb4) "
                + "FROM information_schema.key_column_usage k "
                // constants for both tables: without them the server fills referential_constraints by
                // opening every table and view of every database, per query (slow on a big server, and
                // MariaDB 10.11 has crashed doing it while views elsewhere were dropped)
                + "LEFT JOIN information_schema.referential_constraints r ON r.constraint_schema = ? AND r.table_name = ? "
                + "AND r.constraint_name = k.constraint_name "
                + "WHERE k.table_schema = ? AND k.table_name = ? AND k.referenced_table_name IS NOT NULL "
                + "ORDER BY k.constraint_name, k.ordinal_position";
        Map<String, List<String[]>> parts = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.database());
            statement.setString(2, table.table());
            statement.setString(3, table.database());
            statement.setString(4, table.table());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    parts.computeIfAbsent(text(rows, 1), key -> new ArrayList<>())
                            .add(new String[] {text(rows, 2), text(rows, 3), text(rows, 4), text(rows, 5), text(rows, 6), text(rows, 7)});
                }
            }
        }
        List<ForeignKey> result = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> entry : parts.entrySet()) {
            result.add(foreignKey(entry.getKey(), entry.getValue()));
        }
        return result;
    }

    /**
     * One foreign key from its {@code key_column_usage} rows joined with its referential
     * constraint: column, referenced schema, table and column, delete rule, update rule.
     */
    static ForeignKey foreignKey(String name, List<String[]> parts)
    {
        List<String> columns = new ArrayList<>();
        List<String> referenced = new ArrayList<>();
        String[] first = parts.get(0);
        for (String[] part : parts) {
            columns.add(part[0]);
            referenced.add(part[3]);
        }
        try {
            return new ForeignKey(name, columns, new TableName(first[1], first[2]), referenced,
                    ForeignKey.Action.fromRule(first[4]), ForeignKey.Action.fromRule(first[5]));
        }
        catch (IllegalArgumentException e) {
            throw new SchemaException("foreign key " + name + " referencing " + first[1] + "." + first[2] + ": " + e.getMessage());
        }
    }

    /**
     * Parses the members of {@code enum('a','b''c')} or {@code set(...)}.
     */
    static List<String> enumMembers(String columnType)
    {
        int open = columnType.indexOf('(');
        int close = columnType.lastIndexOf(')');
        List<String> members = new ArrayList<>();
        if (open < 0 || close < open) {
            return members;
        }
        StringBuilder current = null;
        for (int i = open + 1; i < close; i++) {
            char c = columnType.charAt(i);
            if (current == null) {
                if (c == '\'') {
                    current = new StringBuilder();
                }
                continue;
            }
            if (c == '\'') {
                if (i + 1 < close && columnType.charAt(i + 1) == '\'') {
                    current.append('\'');
                    i++;
                }
                else {
                    members.add(current.toString());
                    current = null;
                }
            }
            else if (c == '\\' && i + 1 < close) {
                current.append(columnType.charAt(++i));
            }
            else {
                current.append(c);
            }
        }
        return members;
    }

    static String fingerprint(List<Column> columns, List<IndexInfo> indexes)
    {
        StringBuilder text = new StringBuilder();
        for (Column column : columns) {
            text.append(column.name()).append(' ').append(column.columnType()).append(' ').append(column.nullable())
                    .append(' ').append(column.collation()).append(' ').append(column.generated()).append('\n');
        }
        for (IndexInfo index : indexes) {
            text.append(index.name()).append(' ').append(index.columns()).append(' ').append(index.unique()).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(List<Column> columns, String name)
    {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalStateException("index column " + name + " not found among the table's columns");
    }

    static String text(ResultSet rows, int column)
            throws SQLException
    {
        byte[] bytes = rows.getBytes(column);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
