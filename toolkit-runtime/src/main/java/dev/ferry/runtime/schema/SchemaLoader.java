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
        Map<TableName, TableSchema> found = load(table.database(), table.table());
        TableSchema exact = found.get(table);
        if (exact != null || found.size() != 1) {
            return Optional.ofNullable(exact);
        }
        // information_schema matched the name in another letter case: the table under the name asked for
        TableSchema other = found.values().iterator().next();
        return Optional.of(new TableSchema(table, other.columns(), other.indexes(), other.foreignKeys(), other.paginationKey(), other.fingerprint()));
    }

    /**
     * Every table of {@code database} that has columns (views included; callers pick the base
     * tables they want), as {@link #load(TableName)} reads them: three queries for the whole
     * database instead of three per table.
     */
    public Map<TableName, TableSchema> loadAll(String database)
            throws SQLException
    {
        return load(database, null);
    }

    /**
     * The tables of {@code database}, or only {@code table} when it is not null.
     */
    private Map<TableName, TableSchema> load(String database, String table)
            throws SQLException
    {
        try (Connection connection = dataSource.getConnection()) {
            Map<String, List<Column>> columns = columns(connection, database, table);
            Map<String, List<IndexInfo>> indexes = columns.isEmpty() ? Map.of() : indexes(connection, database, table);
            Map<String, List<ForeignKey>> foreignKeys = columns.isEmpty() ? Map.of() : foreignKeys(connection, database, table);
            Map<TableName, TableSchema> result = new LinkedHashMap<>();
            for (Map.Entry<String, List<Column>> entry : columns.entrySet()) {
                TableName name = new TableName(database, entry.getKey());
                result.put(name, schema(name, entry.getValue(), indexes.getOrDefault(entry.getKey(), List.of()),
                        foreignKeys.getOrDefault(entry.getKey(), List.of())));
            }
            return result;
        }
    }

    private static TableSchema schema(TableName table, List<Column> columns, List<IndexInfo> indexes, List<ForeignKey> foreignKeys)
    {
        String fingerprint = fingerprint(columns, indexes);
        PaginationKey key = PaginationKey.fullCopy();
        for (IndexInfo index : indexes) {
            if (index.isPrimary()) {
                List<Column> keyColumns = new ArrayList<>();
                for (String name : index.columns()) {
                    int position = indexOf(columns, name);
                    if (position < 0) {
                        // columns and indexes are read by two queries: a DDL came between them
                        throw new SchemaException("the primary key of " + table + " names column " + name
                                + ", which its columns did not have when read: the table changed while its schema was read");
                    }
                    keyColumns.add(columns.get(position));
                }
                key = new PaginationKey(keyColumns, "primary key");
            }
        }
        return new TableSchema(table, columns, indexes, foreignKeys, key, fingerprint);
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

    /**
     * {@code AND table_name = ?} when reading one table.
     */
    private static String tableCondition(String column, String table)
    {
        return table == null ? "" : " AND " + column + " = ?";
    }

    private static void bind(PreparedStatement statement, int index, String database, String table)
            throws SQLException
    {
        statement.setString(index, database);
        if (table != null) {
            statement.setString(index + 1, table);
        }
    }

    private static Map<String, List<Column>> columns(Connection connection, String database, String table)
            throws SQLException
    {
        String sql = "SELECT CAST(table_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(column_name AS CHAR CHARACTER SET utf8mb4), CAST(data_type AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(column_type AS CHAR CHARACTER SET utf8mb4), CAST(is_nullable AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(character_set_name AS CHAR CHARACTER SET utf8mb4), CAST(collation_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(extra AS CHAR CHARACTER SET utf8mb4) "
                + "FROM information_schema.columns WHERE table_schema = ?" + tableCondition("table_name", table)
                + " ORDER BY table_name, ordinal_position";
        Map<String, List<Column>> result = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, 1, database, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    List<Column> columns = result.computeIfAbsent(text(rows, 1), key -> new ArrayList<>());
                    String columnType = text(rows, 4);
                    ColumnType type = ColumnType.fromDataType(text(rows, 3));
                    String extra = text(rows, 8);
                    boolean unsigned = columnType.toLowerCase(Locale.ROOT).contains("unsigned");
                    boolean generated = extra != null && GENERATED.matcher(extra).find();
                    List<String> members = type == ColumnType.ENUM || type == ColumnType.SET ? enumMembers(columnType) : List.of();
                    columns.add(new Column(text(rows, 2), columns.size(), type, columnType, unsigned, "YES".equals(text(rows, 5)),
                            text(rows, 6), text(rows, 7), generated, members));
                }
            }
        }
        return result;
    }

    private static Map<String, List<IndexInfo>> indexes(Connection connection, String database, String table)
            throws SQLException
    {
        String sql = "SELECT CAST(table_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(index_name AS CHAR CHARACTER SET utf8mb4), CAST(column_name AS CHAR CHARACTER SET utf8mb4), non_unique, sub_part "
                + "FROM information_schema.statistics WHERE table_schema = ?" + tableCondition("table_name", table)
                + " ORDER BY table_name, index_name = 'PRIMARY' DESC, index_name, seq_in_index";
        Map<String, Map<String, List<String>>> columns = new LinkedHashMap<>();
        Map<String, Map<String, Boolean>> unique = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, 1, database, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String tableName = text(rows, 1);
                    String name = text(rows, 2);
                    String column = text(rows, 3);
                    columns.computeIfAbsent(tableName, key -> new LinkedHashMap<>())
                            .computeIfAbsent(name, key -> new ArrayList<>()).add(column == null ? "" : column);
                    // A prefix index or an expression index does not make its columns unique.
                    boolean uniqueHere = rows.getLong(4) == 0 && rows.getObject(5) == null && column != null;
                    unique.computeIfAbsent(tableName, key -> new LinkedHashMap<>()).merge(name, uniqueHere, Boolean::logicalAnd);
                }
            }
        }
        Map<String, List<IndexInfo>> result = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<String>>> tableEntry : columns.entrySet()) {
            List<IndexInfo> indexes = new ArrayList<>();
            for (Map.Entry<String, List<String>> entry : tableEntry.getValue().entrySet()) {
                indexes.add(new IndexInfo(entry.getKey(), entry.getValue(), unique.get(tableEntry.getKey()).get(entry.getKey())));
            }
            result.put(tableEntry.getKey(), indexes);
        }
        return result;
    }

    private static Map<String, List<ForeignKey>> foreignKeys(Connection connection, String database, String table)
            throws SQLException
    {
        String sql = "SELECT CAST(k.table_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(k.constraint_name AS CHAR CHARACTER SET utf8mb4), CAST(k.column_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(k.referenced_table_schema AS CHAR CHARACTER SET utf8mb4), CAST(k.referenced_table_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(k.referenced_column_name AS CHAR CHARACTER SET utf8mb4), "
                + "CAST(r.delete_rule AS CHAR CHARACTER SET utf8mb4), CAST(r.update_rule AS CHAR CHARACTER SET utf8mb4) "
                + "FROM information_schema.key_column_usage k "
                // constants for the schema (and the table): without them the server fills
                // referential_constraints by opening every table and view of every database, per
                // query (slow on a big server, and MariaDB 10.11 has crashed doing it while views
                // elsewhere were dropped)
                + "LEFT JOIN information_schema.referential_constraints r ON r.constraint_schema = ?" + tableCondition("r.table_name", table)
                + " AND r.table_name = k.table_name AND r.constraint_name = k.constraint_name "
                + "WHERE k.table_schema = ?" + tableCondition("k.table_name", table) + " AND k.referenced_table_name IS NOT NULL "
                + "ORDER BY k.table_name, k.constraint_name, k.ordinal_position";
        Map<String, Map<String, List<String[]>>> parts = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, 1, database, table);
            bind(statement, table == null ? 2 : 3, database, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    parts.computeIfAbsent(text(rows, 1), key -> new LinkedHashMap<>())
                            .computeIfAbsent(text(rows, 2), key -> new ArrayList<>())
                            .add(new String[] {text(rows, 3), text(rows, 4), text(rows, 5), text(rows, 6), text(rows, 7), text(rows, 8)});
                }
            }
        }
        Map<String, List<ForeignKey>> result = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<String[]>>> tableEntry : parts.entrySet()) {
            List<ForeignKey> foreignKeys = new ArrayList<>();
            for (Map.Entry<String, List<String[]>> entry : tableEntry.getValue().entrySet()) {
                foreignKeys.add(foreignKey(entry.getKey(), entry.getValue()));
            }
            result.put(tableEntry.getKey(), foreignKeys);
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
        return -1;
    }

    static String text(ResultSet rows, int column)
            throws SQLException
    {
        byte[] bytes = rows.getBytes(column);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
