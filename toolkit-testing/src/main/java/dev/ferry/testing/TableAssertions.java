package dev.ferry.testing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Assertions on whole databases, read as the administrator.
 */
public final class TableAssertions
{
    private static final int MAX_SORT_LENGTH = 8 * 1024 * 1024;
    private static final int SHOWN_BYTES = 48;
    private static final Set<String> BINARY_TYPES = Set.of(
            "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit",
            "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection");

    private TableAssertions() {}

    /**
     * Fails unless both databases hold the same base tables, with the same columns (by name, in
     * order) and the same rows, every column compared byte for byte: text as stored in its
     * character set, everything else as the server's text protocol renders it. Rows are streamed
     * from both servers in primary key order (else the first unique key of NOT NULL columns, else
     * all columns), so tables of any size can be compared. The failure message names the table,
     * the first differing key and column, and both values (hex for binary data).
     * <p>
     * Views, sequences and the table definitions themselves (types, indexes) are not compared.
     */
    public static void assertTablesEqual(MySqlServer source, String sourceDatabase, MySqlServer target, String targetDatabase)
    {
        requireNonNull(source, "source is null");
        requireNonNull(sourceDatabase, "sourceDatabase is null");
        requireNonNull(target, "target is null");
        requireNonNull(targetDatabase, "targetDatabase is null");
        Side sourceSide = new Side("source", source, sourceDatabase);
        Side targetSide = new Side("target", target, targetDatabase);
        try {
            List<String> sourceTables = sourceSide.tables();
            List<String> targetTables = targetSide.tables();
            if (!sourceTables.equals(targetTables)) {
                Set<String> missing = new TreeSet<>(sourceTables);
                missing.removeAll(targetTables);
                Set<String> extra = new TreeSet<>(targetTables);
                extra.removeAll(sourceTables);
                fail(String.format("tables differ between source %s and target %s: missing on target %s, extra on target %s",
                        sourceSide.describe(), targetSide.describe(), missing, extra));
            }
            for (String table : sourceTables) {
                compareTable(sourceSide, targetSide, table);
            }
        }
        catch (SQLException e) {
            throw new UncheckedSqlException("cannot compare " + sourceSide.describe() + " with " + targetSide.describe() + ": " + e.getMessage(), e);
        }
    }

    private static void compareTable(Side source, Side target, String table)
            throws SQLException
    {
        List<Column> columns = source.columns(table);
        List<Column> targetColumns = target.columns(table);
        if (!names(columns).equals(names(targetColumns))) {
            fail(String.format("table %s: columns differ: source %s, target %s", source.qualified(table), names(columns), names(targetColumns)));
        }
        List<String> keyNames = source.keyColumnNames(table);
        boolean keyed = !keyNames.isEmpty();
        int[] key = orderingKey(keyNames, columns);
        String select = selectSql(source.database, table, columns, key, keyed);
        String targetSelect = selectSql(target.database, table, columns, key, keyed);

        Mismatch mismatch = null;
        long row = 0;
        try (Connection sourceConnection = source.server.openAdmin();
                Connection targetConnection = target.server.openAdmin()) {
            if (!keyed) {
                setMaxSortLength(sourceConnection);
                setMaxSortLength(targetConnection);
            }
            try (Statement sourceStatement = streaming(sourceConnection);
                    Statement targetStatement = streaming(targetConnection);
                    ResultSet sourceRows = sourceStatement.executeQuery(select);
                    ResultSet targetRows = targetStatement.executeQuery(targetSelect)) {
                int width = columns.size();
                while (mismatch == null) {
                    boolean sourceHas = sourceRows.next();
                    boolean targetHas = targetRows.next();
                    if (!sourceHas && !targetHas) {
                        break;
                    }
                    row++;
                    byte[][] sourceValues = sourceHas ? read(sourceRows, width) : null;
                    byte[][] targetValues = targetHas ? read(targetRows, width) : null;
                    if (sourceValues == null || targetValues == null || !keyEquals(sourceValues, targetValues, key)) {
                        mismatch = new Mismatch(row, sourceValues, targetValues, -1);
                        break;
                    }
                    for (int i = 0; i < width; i++) {
                        if (!Arrays.equals(sourceValues[i], targetValues[i])) {
                            mismatch = new Mismatch(row, sourceValues, targetValues, i);
                            break;
                        }
                    }
                }
            }
            finally {
                if (mismatch != null) {
                    // closing a half-read streaming result would first read the rest of the table
                    sourceConnection.abort(Runnable::run);
                    targetConnection.abort(Runnable::run);
                }
            }
        }
        if (mismatch != null) {
            fail(describe(source, target, table, columns, key, mismatch));
        }
    }

    private static String describe(Side source, Side target, String table, List<Column> columns, int[] key, Mismatch mismatch)
            throws SQLException
    {
        String where = "table " + source.qualified(table);
        if (mismatch.column >= 0) {
            Column column = columns.get(mismatch.column);
            byte[] sourceValue = mismatch.sourceValues[mismatch.column];
            byte[] targetValue = mismatch.targetValues[mismatch.column];
            return String.format("%s, row %d with key %s: column `%s` (%s) differs%s: source %s, target %s",
                    where,
                    mismatch.row,
                    formatKey(columns, key, mismatch.sourceValues),
                    column.name,
                    column.columnType,
                    firstDifference(sourceValue, targetValue),
                    formatValue(column, sourceValue, targetValue),
                    formatValue(column, targetValue, sourceValue));
        }
        long sourceCount = source.count(table);
        long targetCount = target.count(table);
        String counts = " (source has " + sourceCount + " rows, target " + targetCount + ")";
        if (mismatch.targetValues == null) {
            return String.format("%s: row with key %s is on the source but missing on the target%s",
                    where, formatKey(columns, key, mismatch.sourceValues), counts);
        }
        if (mismatch.sourceValues == null) {
            return String.format("%s: row with key %s is on the target but not on the source%s",
                    where, formatKey(columns, key, mismatch.targetValues), counts);
        }
        String sourceKey = formatKey(columns, key, mismatch.sourceValues);
        String targetKey = formatKey(columns, key, mismatch.targetValues);
        if (!target.contains(table, columns, key, mismatch.sourceValues)) {
            return String.format("%s: row with key %s is on the source but missing on the target%s", where, sourceKey, counts);
        }
        if (!source.contains(table, columns, key, mismatch.targetValues)) {
            return String.format("%s: row with key %s is on the target but not on the source%s", where, targetKey, counts);
        }
        return String.format("%s: rows come in a different order at row %d: source key %s, target key %s (collations differ?)%s",
                where, mismatch.row, sourceKey, targetKey, counts);
    }

    /**
     * Column indexes of the key, or of every column when the table has no usable key.
     */
    private static int[] orderingKey(List<String> keyNames, List<Column> columns)
    {
        if (keyNames.isEmpty()) {
            int[] all = new int[columns.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        List<String> names = names(columns);
        int[] key = new int[keyNames.size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = names.indexOf(keyNames.get(i));
        }
        return key;
    }

    private static String selectSql(String database, String table, List<Column> columns, int[] key, boolean keyed)
    {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sql.append(", ");
            }
            sql.append(columns.get(i).selectExpression());
        }
        sql.append(" FROM ").append(quote(database)).append('.').append(quote(table)).append(" ORDER BY ");
        for (int i = 0; i < key.length; i++) {
            if (i > 0) {
                sql.append(", ");
            }
            Column column = columns.get(key[i]);
            // without a key, ties under a case-insensitive collation would come in any order
            sql.append(keyed ? quote(column.name) : column.selectExpression());
        }
        return sql.toString();
    }

    private static Statement streaming(Connection connection)
            throws SQLException
    {
        Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        // Connector/J: row by row, instead of the whole result in memory
        statement.setFetchSize(Integer.MIN_VALUE);
        return statement;
    }

    private static void setMaxSortLength(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION max_sort_length = " + MAX_SORT_LENGTH);
        }
    }

    private static byte[][] read(ResultSet rows, int width)
            throws SQLException
    {
        byte[][] values = new byte[width][];
        for (int i = 0; i < width; i++) {
            values[i] = rows.getBytes(i + 1);
        }
        return values;
    }

    private static boolean keyEquals(byte[][] left, byte[][] right, int[] key)
    {
        for (int index : key) {
            if (!Arrays.equals(left[index], right[index])) {
                return false;
            }
        }
        return true;
    }

    private static String formatKey(List<Column> columns, int[] key, byte[][] values)
    {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < key.length; i++) {
            if (i > 0) {
                text.append(", ");
            }
            Column column = columns.get(key[i]);
            byte[] value = values[key[i]];
            text.append(column.name).append('=').append(formatValue(column, value, null));
        }
        return text.append(')').toString();
    }

    private static String firstDifference(byte[] left, byte[] right)
    {
        if (left == null || right == null) {
            return "";
        }
        int index = Arrays.mismatch(left, right);
        return " at byte " + index;
    }

    /**
     * A value for a message: NULL, decoded text, or hex; long values shown as a window around the
     * first byte where they differ from {@code other}.
     */
    private static String formatValue(Column column, byte[] value, byte[] other)
    {
        if (value == null) {
            return "NULL";
        }
        int from = 0;
        if (other != null && value.length > SHOWN_BYTES) {
            int mismatch = Arrays.mismatch(value, other);
            from = Math.max(0, Math.min(mismatch, value.length) - SHOWN_BYTES / 2);
        }
        int to = Math.min(value.length, from + SHOWN_BYTES);
        String prefix = from > 0 ? "..." : "";
        String suffix = to < value.length ? "..." : "";
        String length = value.length > SHOWN_BYTES ? " (" + value.length + " bytes)" : "";
        Charset charset = column.javaCharset();
        if (charset != null) {
            try {
                String text = charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(value, from, to - from))
                        .toString();
                if (isPrintable(text)) {
                    return prefix + "'" + text + "'" + suffix + length;
                }
            }
            catch (CharacterCodingException ignored) {
                // a window may cut a character in two, or the bytes are not text: show hex
            }
        }
        return prefix + "0x" + HexFormat.of().formatHex(value, from, to) + suffix + length;
    }

    private static boolean isPrintable(String text)
    {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static List<String> names(List<Column> columns)
    {
        List<String> names = new ArrayList<>(columns.size());
        for (Column column : columns) {
            names.add(column.name);
        }
        return names;
    }

    private static String quote(String identifier)
    {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private record Mismatch(long row, byte[][] sourceValues, byte[][] targetValues, int column) {}

    private record Column(String name, String dataType, String columnType, String characterSet)
    {
        String selectExpression()
        {
            // the bytes as stored, not converted to the connection's character set
            return characterSet == null ? quote(name) : "CAST(" + quote(name) + " AS BINARY)";
        }

        Charset javaCharset()
        {
            if (BINARY_TYPES.contains(dataType)) {
                return null;
            }
            if (characterSet == null) {
                // numbers and temporal values come as ASCII text
                return StandardCharsets.US_ASCII;
            }
            return switch (characterSet.toLowerCase(Locale.ROOT)) {
                case "utf8mb4", "utf8mb3", "utf8" -> StandardCharsets.UTF_8;
                case "latin1" -> Charset.forName("windows-1252");
                case "ascii" -> StandardCharsets.US_ASCII;
                case "ucs2", "utf16" -> StandardCharsets.UTF_16BE;
                case "utf16le" -> StandardCharsets.UTF_16LE;
                case "binary" -> null;
                default -> null;
            };
        }
    }

    private static final class Side
    {
        private final String role;
        private final MySqlServer server;
        private final String database;

        Side(String role, MySqlServer server, String database)
        {
            this.role = role;
            this.server = server;
            this.database = database;
        }

        String describe()
        {
            return "`" + database + "` on " + server.host() + ":" + server.port();
        }

        String qualified(String table)
        {
            return "`" + database + "`.`" + table + "`";
        }

        List<String> tables()
                throws SQLException
        {
            try (Connection connection = server.openAdmin()) {
                try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
                    statement.setString(1, database);
                    try (ResultSet resultSet = statement.executeQuery()) {
                        if (!resultSet.next()) {
                            fail("database `" + database + "` does not exist on the " + role + " (" + server.host() + ":" + server.port() + ")");
                        }
                    }
                }
                List<String> tables = new ArrayList<>();
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
                    statement.setString(1, database);
                    try (ResultSet resultSet = statement.executeQuery()) {
                        while (resultSet.next()) {
                            tables.add(resultSet.getString(1));
                        }
                    }
                }
                return tables;
            }
        }

        List<Column> columns(String table)
                throws SQLException
        {
            try (Connection connection = server.openAdmin();
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS "
                                    + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
                statement.setString(1, database);
                statement.setString(2, table);
                List<Column> columns = new ArrayList<>();
                try (ResultSet resultSet = statement.executeQuery()) {
                    while (resultSet.next()) {
                        String dataType = resultSet.getString(2).toLowerCase(Locale.ROOT);
                        String characterSet = resultSet.getString(4);
                        if (dataType.equals("json")) {
                            // MySQL's JSON has no character set; MariaDB's is LONGTEXT
                            characterSet = null;
                        }
                        columns.add(new Column(resultSet.getString(1), dataType, resultSet.getString(3), characterSet));
                    }
                }
                return columns;
            }
        }

        List<String> keyColumnNames(String table)
                throws SQLException
        {
            // unique indexes ordered PRIMARY first, then by name; an index with a nullable
            // column (or a prefix) cannot order rows unambiguously
            // constants for both information_schema tables: without them the server fills COLUMNS
            // from every table and view of every database (MariaDB 10.11 and 11.4 crashed doing so
            // with signal 11 while other tests dropped views)
            String sql = "SELECT s.INDEX_NAME, s.COLUMN_NAME, s.SUB_PART, c.IS_NULLABLE "
                    + "FROM information_schema.STATISTICS s JOIN information_schema.COLUMNS c "
                    + "ON c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND c.COLUMN_NAME = s.COLUMN_NAME "
                    + "WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0 "
                    + "ORDER BY s.INDEX_NAME <> 'PRIMARY', s.INDEX_NAME, s.SEQ_IN_INDEX";
            try (Connection connection = server.openAdmin();
                    PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, database);
                statement.setString(2, table);
                statement.setString(3, database);
                statement.setString(4, table);
                String currentIndex = null;
                List<String> current = new ArrayList<>();
                boolean usable = true;
                try (ResultSet resultSet = statement.executeQuery()) {
                    while (resultSet.next()) {
                        String index = resultSet.getString(1);
                        if (!index.equals(currentIndex)) {
                            if (currentIndex != null && usable) {
                                return current;
                            }
                            currentIndex = index;
                            current = new ArrayList<>();
                            usable = true;
                        }
                        current.add(resultSet.getString(2));
                        if (resultSet.getObject(3) != null || "YES".equals(resultSet.getString(4))) {
                            usable = false;
                        }
                    }
                }
                return currentIndex != null && usable ? current : List.of();
            }
        }

        long count(String table)
        {
            return server.queryLong("SELECT COUNT(*) FROM " + quote(database) + "." + quote(table));
        }

        boolean contains(String table, List<Column> columns, int[] key, byte[][] values)
                throws SQLException
        {
            StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM ").append(quote(database)).append('.').append(quote(table)).append(" WHERE ");
            for (int i = 0; i < key.length; i++) {
                if (i > 0) {
                    sql.append(" AND ");
                }
                sql.append("CAST(").append(quote(columns.get(key[i]).name)).append(" AS BINARY) <=> ?");
            }
            try (Connection connection = server.openAdmin();
                    PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < key.length; i++) {
                    statement.setBytes(i + 1, values[key[i]]);
                }
                try (ResultSet resultSet = statement.executeQuery()) {
                    resultSet.next();
                    return resultSet.getLong(1) > 0;
                }
            }
        }
    }
}
