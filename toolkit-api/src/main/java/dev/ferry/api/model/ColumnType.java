package dev.ferry.api.model;

import java.util.Locale;

/**
 * MySQL and MariaDB column data types ({@code information_schema.columns.data_type}), grouped into
 * the families ferry treats alike.
 */
public enum ColumnType
{
    TINYINT(Family.INTEGER), SMALLINT(Family.INTEGER), MEDIUMINT(Family.INTEGER), INT(Family.INTEGER), BIGINT(Family.INTEGER),
    DECIMAL(Family.DECIMAL), FLOAT(Family.FLOATING), DOUBLE(Family.FLOATING),
    BIT(Family.BIT),
    DATE(Family.TEMPORAL), DATETIME(Family.TEMPORAL), TIMESTAMP(Family.TEMPORAL), TIME(Family.TEMPORAL), YEAR(Family.INTEGER),
    CHAR(Family.TEXT), VARCHAR(Family.TEXT), TINYTEXT(Family.TEXT), TEXT(Family.TEXT), MEDIUMTEXT(Family.TEXT), LONGTEXT(Family.TEXT),
    BINARY(Family.BINARY), VARBINARY(Family.BINARY), TINYBLOB(Family.BINARY), BLOB(Family.BINARY), MEDIUMBLOB(Family.BINARY), LONGBLOB(Family.BINARY),
    ENUM(Family.TEXT), SET(Family.TEXT),
    JSON(Family.JSON),
    GEOMETRY(Family.SPATIAL), POINT(Family.SPATIAL), LINESTRING(Family.SPATIAL), POLYGON(Family.SPATIAL),
    MULTIPOINT(Family.SPATIAL), MULTILINESTRING(Family.SPATIAL), MULTIPOLYGON(Family.SPATIAL), GEOMETRYCOLLECTION(Family.SPATIAL),
    VECTOR(Family.BINARY),
    UNKNOWN(Family.OTHER);

    public enum Family
    {
        INTEGER, DECIMAL, FLOATING, BIT, TEMPORAL, TEXT, BINARY, JSON, SPATIAL, OTHER
    }

    private final Family family;

    ColumnType(Family family)
    {
        this.family = family;
    }

    public Family family()
    {
        return family;
    }

    /**
     * Maps {@code information_schema.columns.data_type} to a type; unknown names map to
     * {@link #UNKNOWN} (copied as bytes, never used as a key).
     */
    public static ColumnType fromDataType(String dataType)
    {
        String name = dataType.trim().toUpperCase(Locale.ROOT);
        switch (name) {
            case "INTEGER":
                return INT;
            case "BOOL":
            case "BOOLEAN":
                return TINYINT;
            case "REAL":
                return DOUBLE;
            case "NUMERIC":
            case "FIXED":
                return DECIMAL;
            case "GEOMCOLLECTION":
                return GEOMETRYCOLLECTION;
            default:
                try {
                    return valueOf(name);
                }
                catch (IllegalArgumentException e) {
                    return UNKNOWN;
                }
        }
    }
}
