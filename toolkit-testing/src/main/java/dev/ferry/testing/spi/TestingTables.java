package dev.ferry.testing.spi;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.IndexInfo;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Table schemas, columns and row images for plugin tests, described the way
 * {@code information_schema} would: {@code table("shop.orders").column("id", "bigint(20)")
 * .primaryKey("id").build()}. Text columns default to utf8mb4 with utf8mb4_general_ci; ENUM and
 * SET members are read from the column type; the pagination key is the primary key, or a full
 * copy without one, unless {@link Builder#paginationKey} says otherwise.
 */
public final class TestingTables
{
    private TestingTables() {}

    public static Builder table(String qualified)
    {
        return new Builder(TableName.parse(qualified));
    }

    public static Builder table(TableName name)
    {
        return new Builder(requireNonNull(name, "name is null"));
    }

    /**
     * A NOT NULL column at {@code ordinal}, outside a table.
     */
    public static Column column(String name, int ordinal, String columnType)
    {
        return describe(name, ordinal, columnType, false, null, null, false);
    }

    /**
     * A nullable column at {@code ordinal}, outside a table.
     */
    public static Column nullableColumn(String name, int ordinal, String columnType)
    {
        return describe(name, ordinal, columnType, true, null, null, false);
    }

    /**
     * A row image of UTF-8 text values; null is SQL NULL.
     */
    public static Row row(String... values)
    {
        return row(StandardCharsets.UTF_8, values);
    }

    public static Row row(Charset charset, String... values)
    {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] == null ? null : values[i].getBytes(charset);
        }
        return Row.wrap(bytes);
    }

    private static Column describe(String name, int ordinal, String columnType, boolean nullable, String charset, String collation, boolean generated)
    {
        requireNonNull(name, "name is null");
        String lower = requireNonNull(columnType, "columnType is null").toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < lower.length() && Character.isLetter(lower.charAt(end))) {
            end++;
        }
        ColumnType type = ColumnType.fromDataType(lower.substring(0, end));
        boolean text = type.family() == ColumnType.Family.TEXT;
        return new Column(name, ordinal, type, columnType, lower.contains("unsigned"), nullable,
                text ? (charset == null ? "utf8mb4" : charset) : null,
                text ? (collation == null ? "utf8mb4_general_ci" : collation) : null,
                generated,
                type == ColumnType.ENUM || type == ColumnType.SET ? members(columnType) : List.of());
    }

    /**
     * The quoted members of {@code enum('a','b')}; a doubled quote is a quote.
     */
    private static List<String> members(String columnType)
    {
        List<String> members = new ArrayList<>();
        int i = columnType.indexOf('(');
        while (i >= 0 && i < columnType.length()) {
            int start = columnType.indexOf('\'', i);
            if (start < 0) {
                break;
            }
            StringBuilder member = new StringBuilder();
            int j = start + 1;
            while (j < columnType.length()) {
                char c = columnType.charAt(j);
                if (c == '\'') {
                    if (j + 1 < columnType.length() && columnType.charAt(j + 1) == '\'') {
                        member.append('\'');
                        j += 2;
                        continue;
                    }
                    break;
                }
                member.append(c);
                j++;
            }
            members.add(member.toString());
            i = j + 1;
        }
        return members;
    }

    public static final class Builder
    {
        private final TableName name;
        private final List<Column> columns = new ArrayList<>();
        private final List<IndexInfo> indexes = new ArrayList<>();
        private final List<ForeignKey> foreignKeys = new ArrayList<>();
        private PaginationKey paginationKey;
        private List<String> paginationColumns;
        private String paginationSource;
        private String fingerprint;

        private Builder(TableName name)
        {
            this.name = name;
        }

        /**
         * A NOT NULL column, e.g. {@code column("id", "bigint(20) unsigned")}.
         */
        public Builder column(String columnName, String columnType)
        {
            return add(columnName, columnType, false, null, null, false);
        }

        public Builder nullable(String columnName, String columnType)
        {
            return add(columnName, columnType, true, null, null, false);
        }

        /**
         * A NOT NULL text column with its character set and collation.
         */
        public Builder text(String columnName, String columnType, String charset, String collation)
        {
            return add(columnName, columnType, false, charset, collation, false);
        }

        /**
         * A nullable column the server computes (VIRTUAL or STORED).
         */
        public Builder generated(String columnName, String columnType)
        {
            return add(columnName, columnType, true, null, null, true);
        }

        public Builder primaryKey(String... columnNames)
        {
            indexes.add(0, new IndexInfo("PRIMARY", List.of(columnNames), true));
            return this;
        }

        public Builder index(String indexName, String... columnNames)
        {
            indexes.add(new IndexInfo(indexName, List.of(columnNames), false));
            return this;
        }

        public Builder uniqueIndex(String indexName, String... columnNames)
        {
            indexes.add(new IndexInfo(indexName, List.of(columnNames), true));
            return this;
        }

        /**
         * A foreign key; {@code references} is {@code db.table}.
         */
        public Builder foreignKey(String keyName, List<String> columnNames, String references, List<String> referencedColumns)
        {
            foreignKeys.add(new ForeignKey(keyName, columnNames, TableName.parse(references), referencedColumns));
            return this;
        }

        /**
         * A foreign key with its {@code ON DELETE} and {@code ON UPDATE} actions; {@code references} is {@code db.table}.
         */
        public Builder foreignKey(String keyName, List<String> columnNames, String references, List<String> referencedColumns,
                ForeignKey.Action onDelete, ForeignKey.Action onUpdate)
        {
            foreignKeys.add(new ForeignKey(keyName, columnNames, TableName.parse(references), referencedColumns, onDelete, onUpdate));
            return this;
        }

        /**
         * Paginate by these columns, chosen for {@code source} (e.g. {@code copy.paginationColumns}).
         */
        public Builder paginationKey(String source, String... columnNames)
        {
            this.paginationColumns = List.of(columnNames);
            this.paginationSource = requireNonNull(source, "source is null");
            this.paginationKey = null;
            return this;
        }

        /**
         * Copy the table whole, without a pagination key, even with a primary key.
         */
        public Builder fullCopy()
        {
            this.paginationKey = PaginationKey.fullCopy();
            this.paginationColumns = null;
            return this;
        }

        /**
         * The structure digest; {@code test-db.table} by default.
         */
        public Builder fingerprint(String fingerprint)
        {
            this.fingerprint = requireNonNull(fingerprint, "fingerprint is null");
            return this;
        }

        public TableSchema build()
        {
            PaginationKey key = paginationKey;
            if (key == null && paginationColumns != null) {
                key = new PaginationKey(columns(paginationColumns), paginationSource);
            }
            if (key == null) {
                key = PaginationKey.fullCopy();
                for (IndexInfo index : indexes) {
                    if (index.isPrimary()) {
                        key = new PaginationKey(columns(index.columns()), "primary key");
                    }
                }
            }
            return new TableSchema(name, columns, indexes, foreignKeys, key, fingerprint == null ? "test-" + name : fingerprint);
        }

        private List<Column> columns(List<String> names)
        {
            List<Column> result = new ArrayList<>(names.size());
            for (String columnName : names) {
                Column found = null;
                for (Column column : columns) {
                    if (column.name().equals(columnName)) {
                        found = column;
                    }
                }
                if (found == null) {
                    throw new IllegalArgumentException("table " + name + " has no column " + columnName + " (add it before build())");
                }
                result.add(found);
            }
            return result;
        }

        private Builder add(String columnName, String columnType, boolean nullable, String charset, String collation, boolean generated)
        {
            columns.add(describe(columnName, columns.size(), columnType, nullable, charset, collation, generated));
            return this;
        }
    }
}
