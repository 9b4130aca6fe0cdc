package dev.ferry.runtime.schema;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.RewritesConfig;
import dev.ferry.runtime.sql.StatementTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Prepares the target: creates missing databases and tables from the source's
 * {@code SHOW CREATE TABLE} (rewritten), and checks that existing tables can take the rows.
 */
public final class TargetTables
{
    private static final Logger log = LoggerFactory.getLogger(TargetTables.class);
    private static final Pattern HEAD = Pattern.compile("^CREATE TABLE `(?:[^`]|``)+`", Pattern.CASE_INSENSITIVE);
    private static final Pattern REFERENCES = Pattern.compile("REFERENCES (`(?:[^`]|``)+`)(?:\\.(`(?:[^`]|``)+`))?");

    private final SchemaLoader source;
    private final SchemaLoader target;
    private final DataSource targetDataSource;
    private final RewritesConfig rewrites;
    private final StatementTag tag;
    private Set<String> targetCollations;

    /**
     * @param tag put in front of the statements that create databases and tables
     */
    public TargetTables(SchemaLoader source, DataSource targetDataSource, RewritesConfig rewrites, StatementTag tag)
    {
        this.tag = requireNonNull(tag, "tag is null");
        this.source = requireNonNull(source, "source is null");
        this.targetDataSource = requireNonNull(targetDataSource, "targetDataSource is null");
        this.target = new SchemaLoader(targetDataSource);
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
    }

    /**
     * Creates (when {@code create}) or checks every table, in the given order.
     *
     * @throws SchemaException when a table is missing and creation is off, or incompatible
     */
    public void prepare(List<TableSchema> tables, boolean create)
            throws SQLException
    {
        prepare(tables, Map.of(), create);
    }

    /**
     * Creates (when {@code create}) or checks every table, in the given order, creating a table
     * from its statement in {@code createStatements} when there is one ({@code SHOW CREATE TABLE}
     * output read together with the schemas, so it has their structure), otherwise from the
     * source's {@code SHOW CREATE TABLE} now.
     *
     * @throws SchemaException when a table is missing and creation is off, or incompatible
     */
    public void prepare(List<TableSchema> tables, Map<TableName, String> createStatements, boolean create)
            throws SQLException
    {
        Map<String, Map<TableName, TableSchema>> existing = new HashMap<>();
        List<String> problems = check(tables, create, existing);
        if (!problems.isEmpty()) {
            throw new SchemaException(String.join("\n", problems));
        }
        Set<String> databases = new HashSet<>();
        for (TableSchema table : tables) {
            TableName targetName = rewrites.apply(table.name());
            if (existingTable(targetName, existing).isPresent()) {
                continue;
            }
            if (databases.add(targetName.database())) {
                createDatabase(table.name().database(), targetName.database());
            }
            String showCreate = createStatements.get(table.name());
            String ddl = CollationMapping.rewrite(
                    rewriteCreate(showCreate != null ? showCreate : source.showCreateTable(table.name()), table.name(), targetName),
                    targetCollations(), targetName);
            try (Connection connection = targetDataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(tag.apply(ddl));
            }
            log.info("created target table {}", targetName);
        }
    }

    /**
     * What stops {@link #prepare}, without writing anything: existing target tables that cannot
     * take the rows, and missing ones when creation is off.
     */
    public List<String> check(List<TableSchema> tables, boolean create)
            throws SQLException
    {
        return check(tables, create, new HashMap<>());
    }

    private List<String> check(List<TableSchema> tables, boolean create, Map<String, Map<TableName, TableSchema>> targetSchemas)
            throws SQLException
    {
        List<String> problems = new ArrayList<>();
        for (TableSchema table : tables) {
            TableName targetName = rewrites.apply(table.name());
            Optional<TableSchema> existing = existingTable(targetName, targetSchemas);
            if (existing.isPresent()) {
                problems.addAll(incompatibilities(table, existing.get(), targetName));
            }
            else if (!create) {
                problems.add("target table " + targetName + " (for " + table.name() + ") does not exist: create it, or set copy.createTargetTables: true");
            }
        }
        return problems;
    }

    /**
     * The target table {@code name}, from its database's schemas read once into
     * {@code targetSchemas} (three queries a database, not three a table).
     */
    private Optional<TableSchema> existingTable(TableName name, Map<String, Map<TableName, TableSchema>> targetSchemas)
            throws SQLException
    {
        Map<TableName, TableSchema> schemas = targetSchemas.get(name.database());
        if (schemas == null) {
            schemas = target.loadAll(name.database());
            targetSchemas.put(name.database(), schemas);
        }
        TableSchema schema = schemas.get(name);
        // a name in another letter case, as the server may match it, is looked up alone
        return schema != null ? Optional.of(schema) : schemas.isEmpty() ? Optional.empty() : target.load(name);
    }

    /**
     * Rewrites a {@code SHOW CREATE TABLE} text to create {@code targetName}, with foreign key
     * references rewritten as well. The input is server-generated, so its layout is fixed.
     */
    public String rewriteCreate(String showCreate, TableName sourceName, TableName targetName)
    {
        Matcher head = HEAD.matcher(showCreate);
        if (!head.find()) {
            throw new SchemaException("unexpected SHOW CREATE TABLE output for " + sourceName + ": " + showCreate.substring(0, Math.min(80, showCreate.length())));
        }
        String body = showCreate.substring(head.end());
        Matcher references = REFERENCES.matcher(body);
        StringBuilder rewritten = new StringBuilder();
        while (references.find()) {
            TableName referenced = references.group(2) == null
                    ? new TableName(sourceName.database(), unquote(references.group(1)))
                    : new TableName(unquote(references.group(1)), unquote(references.group(2)));
            references.appendReplacement(rewritten, Matcher.quoteReplacement("REFERENCES " + rewrites.apply(referenced).quoted()));
        }
        references.appendTail(rewritten);
        return "CREATE TABLE " + targetName.quoted() + rewritten;
    }

    private void createDatabase(String sourceDatabase, String targetDatabase)
            throws SQLException
    {
        String charset = null;
        String collation = null;
        try (Connection connection = sourceConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT CAST(default_character_set_name AS CHAR CHARACTER SET utf8mb4), CAST(default_collation_name AS CHAR CHARACTER SET utf8mb4) FROM information_schema.schemata WHERE schema_name = ?")) {
            statement.setString(1, sourceDatabase);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    charset = SchemaLoader.text(rows, 1);
                    collation = SchemaLoader.text(rows, 2);
                }
            }
        }
        String sql = "CREATE DATABASE IF NOT EXISTS " + TableName.quoteIdentifier(targetDatabase)
                + (charset == null ? "" : " CHARACTER SET " + charset)
                + (collation == null ? "" : " COLLATE " + CollationMapping.forTarget(collation, targetCollations(), "database " + targetDatabase));
        try (Connection connection = targetDataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(tag.apply(sql));
        }
    }

    private Set<String> targetCollations()
            throws SQLException
    {
        if (targetCollations == null) {
            try (Connection connection = targetDataSource.getConnection()) {
                targetCollations = CollationMapping.collationsOf(connection);
            }
        }
        return targetCollations;
    }

    private Connection sourceConnection()
            throws SQLException
    {
        return source.dataSource().getConnection();
    }

    static List<String> incompatibilities(TableSchema source, TableSchema target, TableName targetName)
    {
        List<String> problems = new ArrayList<>();
        for (Column column : source.writableColumns()) {
            Optional<Column> other = target.column(column.name());
            if (other.isEmpty()) {
                problems.add("target table " + targetName + " has no column " + column.name() + " (" + column.columnType()
                        + "): add it, or drop the target table so that ferry creates it");
            }
            else if (!normalizeType(other.get().columnType()).equals(normalizeType(column.columnType()))) {
                problems.add("target table " + targetName + " column " + column.name() + " is " + other.get().columnType()
                        + " but the source's is " + column.columnType() + ": make them equal");
            }
            else if (other.get().generated()) {
                problems.add("target table " + targetName + " column " + column.name() + " is generated but the source's is not");
            }
            else if (!equalsIgnoreCase(other.get().charset(), column.charset()) || !equalsIgnoreCase(other.get().collation(), column.collation())) {
                // the copy moves stored bytes: another character set reinterprets them, another collation
                // changes which keys are duplicates (and INSERT IGNORE drops those silently)
                problems.add("target table " + targetName + " column " + column.name() + " has character set " + other.get().charset()
                        + " and collation " + other.get().collation() + " but the source's has " + column.charset() + " and " + column.collation()
                        + ": make them equal");
            }
        }
        return problems;
    }

    private static boolean equalsIgnoreCase(String left, String right)
    {
        return left == null ? right == null : left.equalsIgnoreCase(right);
    }

    /**
     * Integer display widths ({@code int(11)}) are cosmetic and differ between MySQL 8 and MariaDB.
     */
    private static String normalizeType(String columnType)
    {
        return columnType.toLowerCase(Locale.ROOT).replaceAll("^(tinyint|smallint|mediumint|int|bigint)\\(\\d+\\)", "$1").trim();
    }

    private static String unquote(String quoted)
    {
        return quoted.substring(1, quoted.length() - 1).replace("``", "`");
    }
}
