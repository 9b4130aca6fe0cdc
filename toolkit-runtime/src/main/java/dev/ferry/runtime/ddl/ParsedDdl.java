package dev.ferry.runtime.ddl;

import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * A classified DDL statement. Table lists follow {@link SchemaEvent}: {@code affected} holds every
 * table whose structure or data the statement changes, under its name before the statement (a new
 * table under its new name); {@code created} the tables that exist afterwards and did not before;
 * {@code dropped} those that no longer exist. Renames are reported by net effect, so swapping two
 * tables through a temporary name creates and drops nothing (both are {@code replaced});
 * {@link #renames()} tells where each renamed table went. Immutable and thread-safe.
 */
public final class ParsedDdl
{
    private final SchemaEvent.Kind kind;
    private final String ignoredCategory;
    private final String sql;
    private final String defaultDatabase;
    private final List<TableName> affected;
    private final List<TableName> created;
    private final List<TableName> dropped;
    private final List<TableName> replaced;
    private final List<TableName> referenced;
    private final Map<TableName, TableName> renames;
    private final Set<String> databasesCreated;
    private final Set<String> databasesDropped;
    private final String caveat;
    private final Rewriter rewriter;

    private ParsedDdl(Builder builder)
    {
        this.kind = builder.kind;
        this.ignoredCategory = builder.ignoredCategory;
        this.sql = builder.sql;
        this.defaultDatabase = builder.defaultDatabase;
        this.affected = List.copyOf(builder.affected);
        this.created = List.copyOf(builder.created);
        this.dropped = List.copyOf(builder.dropped);
        this.replaced = List.copyOf(builder.replaced);
        this.referenced = List.copyOf(builder.referenced);
        this.renames = Collections.unmodifiableMap(new LinkedHashMap<>(builder.renames));
        this.databasesCreated = Set.copyOf(builder.databasesCreated);
        this.databasesDropped = Set.copyOf(builder.databasesDropped);
        this.caveat = builder.caveat;
        this.rewriter = requireNonNull(builder.rewriter, "rewriter is null");
    }

    static Builder builder(SchemaEvent.Kind kind, String sql, String defaultDatabase)
    {
        return new Builder(kind, sql, defaultDatabase);
    }

    static ParsedDdl ignored(String sql, String defaultDatabase, String category)
    {
        Builder builder = builder(SchemaEvent.Kind.IGNORED, sql, defaultDatabase);
        builder.ignoredCategory = requireNonNull(category, "category is null");
        return builder.rewriter((tables, databases) -> sql).build();
    }

    public SchemaEvent.Kind kind()
    {
        return kind;
    }

    /**
     * For {@link SchemaEvent.Kind#IGNORED} statements, what was ignored: {@code grant},
     * {@code revoke}, {@code user}, {@code procedure}, {@code function}, {@code trigger},
     * {@code view}, {@code event}, {@code temporary} or {@code other}; empty otherwise.
     */
    public Optional<String> ignoredCategory()
    {
        return Optional.ofNullable(ignoredCategory);
    }

    public String originalSql()
    {
        return sql;
    }

    /**
     * The session database the statement ran in; null if none was selected.
     */
    public String defaultDatabase()
    {
        return defaultDatabase;
    }

    public List<TableName> affected()
    {
        return affected;
    }

    public List<TableName> created()
    {
        return created;
    }

    public List<TableName> dropped()
    {
        return dropped;
    }

    /**
     * Tables that exist under the same name before and after the statement but are another table
     * afterwards, renamed onto the name (in a swap through a temporary name, both); a subset of
     * {@link #affected()}, neither created nor dropped.
     */
    public List<TableName> replaced()
    {
        return replaced;
    }

    /**
     * Tables the statement reads but does not change: the source of {@code CREATE TABLE ... LIKE},
     * parents of foreign keys, tables of {@code CREATE TABLE ... SELECT}.
     */
    public List<TableName> referenced()
    {
        return referenced;
    }

    /**
     * The tables the statement renamed, by net effect: each one's name before the statement to its
     * name after it ({@code a -> b} and {@code b -> a} for a swap through a temporary name). A
     * table renamed back to its own name is not listed. Iterates in statement order.
     */
    public Map<TableName, TableName> renames()
    {
        return renames;
    }

    public Set<String> databasesCreated()
    {
        return databasesCreated;
    }

    /**
     * Databases dropped, with all their tables; those tables are not listed in {@link #dropped()}.
     */
    public Set<String> databasesDropped()
    {
        return databasesDropped;
    }

    public boolean changesStructure()
    {
        return kind.changesStructure();
    }

    /**
     * Why running the rewritten statement on the target needs more than running it, or why it
     * cannot be rewritten at all; empty for ordinary statements.
     */
    public Optional<String> caveat()
    {
        return Optional.ofNullable(caveat);
    }

    /**
     * The statement with every table name passed through {@code tableRewrite} and every database
     * name (of CREATE/DROP DATABASE) through {@code databaseRewrite}. Table names come out
     * qualified with their new database, so the result runs the same in any session. Ignored
     * statements come back unchanged.
     *
     * @throws UnparseableDdlException if the statement cannot be printed back faithfully
     */
    public String rewrite(Function<TableName, TableName> tableRewrite, UnaryOperator<String> databaseRewrite)
    {
        requireNonNull(tableRewrite, "tableRewrite is null");
        requireNonNull(databaseRewrite, "databaseRewrite is null");
        Function<TableName, TableName> tables = name -> requireNonNull(tableRewrite.apply(name), () -> "tableRewrite returned null for " + name);
        UnaryOperator<String> databases = name -> requireNonNull(databaseRewrite.apply(name), () -> "databaseRewrite returned null for " + name);
        return rewriter.rewrite(tables, databases);
    }

    public SchemaEvent toSchemaEvent(PositionPair position)
    {
        requireNonNull(position, "position is null");
        return new SchemaEvent(kind, sql, defaultDatabase, affected, created, dropped, position);
    }

    @Override
    public String toString()
    {
        return kind + (ignoredCategory == null ? "" : "(" + ignoredCategory + ")")
                + " affected=" + affected + " created=" + created + " dropped=" + dropped
                + (renames.isEmpty() ? "" : " renames=" + renames)
                + (databasesCreated.isEmpty() ? "" : " databasesCreated=" + databasesCreated)
                + (databasesDropped.isEmpty() ? "" : " databasesDropped=" + databasesDropped);
    }

    interface Rewriter
    {
        String rewrite(Function<TableName, TableName> tables, UnaryOperator<String> databases);
    }

    static final class Builder
    {
        private final SchemaEvent.Kind kind;
        private final String sql;
        private final String defaultDatabase;
        private final Set<TableName> affected = new LinkedHashSet<>();
        private final Set<TableName> created = new LinkedHashSet<>();
        private final Set<TableName> dropped = new LinkedHashSet<>();
        private final Set<TableName> replaced = new LinkedHashSet<>();
        private final Set<TableName> referenced = new LinkedHashSet<>();
        private final Map<TableName, TableName> renames = new LinkedHashMap<>();
        private final Set<String> databasesCreated = new LinkedHashSet<>();
        private final Set<String> databasesDropped = new LinkedHashSet<>();
        private String ignoredCategory;
        private String caveat;
        private Rewriter rewriter;

        private Builder(SchemaEvent.Kind kind, String sql, String defaultDatabase)
        {
            this.kind = requireNonNull(kind, "kind is null");
            this.sql = requireNonNull(sql, "sql is null");
            this.defaultDatabase = defaultDatabase;
        }

        SchemaEvent.Kind kind()
        {
            return kind;
        }

        Builder affected(TableName table)
        {
            affected.add(table);
            return this;
        }

        Builder created(TableName table)
        {
            created.add(table);
            return this;
        }

        Builder dropped(TableName table)
        {
            dropped.add(table);
            return this;
        }

        Builder replaced(TableName table)
        {
            replaced.add(table);
            return this;
        }

        Builder referenced(TableName table)
        {
            referenced.add(table);
            return this;
        }

        /**
         * The table named {@code from} before the statement is named {@code to} after it.
         */
        Builder renamed(TableName from, TableName to)
        {
            if (!from.equals(to)) {
                renames.put(from, to);
            }
            return this;
        }

        Builder databaseCreated(String database)
        {
            databasesCreated.add(database);
            return this;
        }

        Builder databaseDropped(String database)
        {
            databasesDropped.add(database);
            return this;
        }

        Builder caveat(String caveat)
        {
            this.caveat = caveat;
            return this;
        }

        Builder rewriter(Rewriter rewriter)
        {
            this.rewriter = rewriter;
            return this;
        }

        ParsedDdl build()
        {
            return new ParsedDdl(this);
        }
    }
}
