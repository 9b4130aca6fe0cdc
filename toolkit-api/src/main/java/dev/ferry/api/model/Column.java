package dev.ferry.api.model;

import dev.ferry.api.RuntimeBuilt;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One column of a table as the server describes it.
 *
 * @param name column name
 * @param ordinal zero-based position in the table
 * @param type data type
 * @param columnType the full type as written in DDL, e.g. {@code bigint(20) unsigned}
 * @param unsigned whether an integer, decimal or floating column is unsigned
 * @param nullable whether NULL is allowed
 * @param charset character set of a text column, or null
 * @param collation collation of a text column, or null
 * @param generated whether the value is computed by the server (VIRTUAL or STORED); never written
 * @param enumValues the members of an ENUM or SET column in declaration order, else empty
 */
@RuntimeBuilt
public record Column(
        String name,
        int ordinal,
        ColumnType type,
        String columnType,
        boolean unsigned,
        boolean nullable,
        String charset,
        String collation,
        boolean generated,
        List<String> enumValues)
{
    public Column
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(columnType, "columnType is null");
        enumValues = List.copyOf(requireNonNull(enumValues, "enumValues is null"));
    }

    public String quotedName()
    {
        return TableName.quoteIdentifier(name);
    }

    /**
     * Whether this column can paginate a copy: integers, decimals, temporals, text and binary
     * strings. ENUM and SET sort by index, not by text, and floating point is not exact.
     */
    public boolean isPaginationCapable()
    {
        switch (type.family()) {
            case INTEGER:
            case BINARY:
            case TEMPORAL:
            case DECIMAL:
                return true;
            case TEXT:
                return type != ColumnType.ENUM && type != ColumnType.SET;
            default:
                return false;
        }
    }
}
