package dev.ferry.runtime.binlog;

import dev.ferry.api.model.ColumnType;

/**
 * The binlog type codes (as in a TABLE_MAP event, after {@link EventDeserializers#realType}) each
 * column type is written with: how a TABLE_MAP is held against the schema ferry knows.
 */
final class BinlogColumnTypes
{
    private BinlogColumnTypes() {}

    /**
     * Whether a column of {@code type} is written to the binlog with the (real) type code
     * {@code code}; unknown types match any code.
     */
    static boolean matches(ColumnType type, int code)
    {
        switch (type) {
            case TINYINT:
                return code == 1;
            case SMALLINT:
                return code == 2;
            case MEDIUMINT:
                return code == 9;
            case INT:
                return code == 3;
            case BIGINT:
                return code == 8;
            case YEAR:
                return code == 13;
            case DECIMAL:
                return code == 246 || code == 0;
            case FLOAT:
                return code == 4;
            case DOUBLE:
                return code == 5;
            case BIT:
                return code == 16;
            case DATE:
                return code == 10 || code == 14;
            case TIME:
                return code == 11 || code == 19;
            case DATETIME:
                return code == 12 || code == 18;
            case TIMESTAMP:
                return code == 7 || code == 17;
            case CHAR:
            case BINARY:
                return code == 254;
            case VARCHAR:
            case VARBINARY:
                return code == 15 || code == 253;
            case ENUM:
                return code == 247;
            case SET:
                return code == 248;
            case TINYTEXT:
            case TEXT:
            case MEDIUMTEXT:
            case LONGTEXT:
            case TINYBLOB:
            case BLOB:
            case MEDIUMBLOB:
            case LONGBLOB:
                return code == 252 || (code >= 249 && code <= 251);
            case JSON:
                // MySQL's binary JSON, or MariaDB's JSON alias of LONGTEXT
                return code == 245 || code == 252;
            case GEOMETRY:
            case POINT:
            case LINESTRING:
            case POLYGON:
            case MULTIPOINT:
            case MULTILINESTRING:
            case MULTIPOLYGON:
            case GEOMETRYCOLLECTION:
                return code == 255;
            default:
                return true;
        }
    }
}
