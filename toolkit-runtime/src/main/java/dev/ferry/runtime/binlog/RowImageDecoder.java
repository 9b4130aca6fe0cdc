package dev.ferry.runtime.binlog;

import dev.ferry.api.model.MySqlCharsets;
import dev.ferry.api.FerryException;
import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Turns one binlog row image of a table into a {@link Row} aligned with
 * {@link TableSchema#columns()}, holding for every column the bytes a {@code SELECT} of the stored
 * value returns under {@code time_zone='+00:00'} and {@code character_set_results=binary}, so that
 * writing the row back with {@code setBytes} stores the identical value and rows from the binlog
 * and from a copy are interchangeable.
 *
 * <p>Input values are the cells as the streamer's deserializers produce them (the library's types,
 * with exact forms where the library is lossy):
 * <table>
 * <caption>cell values by column type</caption>
 * <tr><th>column</th><th>cell</th><th>output</th></tr>
 * <tr><td>TINYINT..INT</td><td>Integer, signed</td><td>decimal, unsigned fixed up from the schema</td></tr>
 * <tr><td>BIGINT</td><td>Long, signed</td><td>decimal; UNSIGNED 2^64-1 arrives as -1</td></tr>
 * <tr><td>YEAR</td><td>Integer (1900 or 0 for year 0)</td><td>4 digits</td></tr>
 * <tr><td>DECIMAL</td><td>BigDecimal</td><td>plain, with exactly the column's scale</td></tr>
 * <tr><td>FLOAT, DOUBLE</td><td>Float, Double</td><td>shortest text that reads back as the same
 *     value ({@code -0} kept); FLOAT(M,D), DOUBLE(M,D) with D decimals like MySQL</td></tr>
 * <tr><td>BIT(n)</td><td>byte[] big-endian, or BitSet</td><td>ceil(n/8) bytes big-endian</td></tr>
 * <tr><td>DATE, DATETIME, TIMESTAMP, TIME</td><td>byte[] text made by the deserializer</td><td>as is</td></tr>
 * <tr><td>CHAR</td><td>byte[]</td><td>trailing pad spaces removed, as SELECT does</td></tr>
 * <tr><td>BINARY(n)</td><td>byte[]</td><td>right-padded with 0x00 to n bytes</td></tr>
 * <tr><td>VARCHAR, TEXT, VARBINARY, BLOB, spatial, VECTOR</td><td>byte[]</td><td>as is</td></tr>
 * <tr><td>ENUM</td><td>Integer index</td><td>member text in the column charset; 0 is empty</td></tr>
 * <tr><td>SET</td><td>Long bit mask</td><td>members joined with commas in declaration order</td></tr>
 * <tr><td>JSON</td><td>byte[] text (MySQL's binary JSON converted by the deserializer; MariaDB's
 *     is text already)</td><td>as is</td></tr>
 * </table>
 *
 * <p>An instance serves one table schema, precomputes everything per column and is safe to share
 * between threads. {@link #decode} allocates only the output arrays (small integers and ENUM/SET
 * members share cached arrays, which is safe because row values are never modified).
 */
public final class RowImageDecoder
{
    private static final int SIGNED = 0;
    private static final int UNSIGNED_8 = 1;
    private static final int UNSIGNED_16 = 2;
    private static final int UNSIGNED_24 = 3;
    private static final int UNSIGNED_32 = 4;
    private static final int UNSIGNED_64 = 5;
    private static final int YEAR = 6;
    private static final int DECIMAL = 7;
    private static final int FLOAT = 8;
    private static final int DOUBLE = 9;
    private static final int FIXED_FLOATING = 10;
    private static final int BIT = 11;
    private static final int TEMPORAL = 12;
    private static final int CHAR = 13;
    private static final int BINARY = 14;
    private static final int BYTES = 15;
    private static final int ENUM = 16;
    private static final int SET = 17;
    private static final int UNSUPPORTED = 18;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] YEAR_ZERO = {'0', '0', '0', '0'};

    private final TableSchema table;
    private final int columnCount;
    private final int[] kinds;
    /** DECIMAL scale, FLOAT(M,D) decimals, BIT and BINARY byte length, CHAR pad unit width */
    private final int[] sizes;
    private final boolean[] generated;
    /** ENUM and SET members encoded in the column charset */
    private final byte[][][] members;
    private final String[] unsupported;

    private RowImageDecoder(TableSchema table, byte[][][] binlogMembers)
    {
        this.table = requireNonNull(table, "table is null");
        List<Column> columns = table.columns();
        columnCount = columns.size();
        kinds = new int[columnCount];
        sizes = new int[columnCount];
        generated = new boolean[columnCount];
        members = new byte[columnCount][][];
        unsupported = new String[columnCount];
        for (int i = 0; i < columnCount; i++) {
            Column column = columns.get(i);
            generated[i] = column.generated();
            try {
                prepare(i, column);
                if ((kinds[i] == ENUM || kinds[i] == SET) && binlogMembers != null && i < binlogMembers.length && binlogMembers[i] != null) {
                    // exact bytes; information_schema may have replaced characters it cannot show
                    members[i] = binlogMembers[i];
                }
            }
            catch (RuntimeException e) {
                kinds[i] = UNSUPPORTED;
                unsupported[i] = e.getMessage();
            }
        }
    }

    /**
     * A decoder for rows of the given table. Build one per schema version and reuse it.
     */
    public static RowImageDecoder forTable(TableSchema table)
    {
        return new RowImageDecoder(table, null);
    }

    /**
     * A decoder that takes ENUM and SET members from the binlog's TABLE_MAP (exact bytes in the
     * column charset, logged with {@code binlog_row_metadata=FULL}) where given, by column index.
     * MariaDB's information_schema shows 4-byte characters of members as {@code ?}.
     */
    static RowImageDecoder forTable(TableSchema table, byte[][][] binlogMembers)
    {
        return new RowImageDecoder(table, binlogMembers);
    }

    /**
     * Decodes one image without keeping a decoder; for tests and one-off use.
     */
    public static Row decode(TableSchema table, Serializable[] values, BitSet includedColumns)
    {
        return forTable(table).decode(values, includedColumns);
    }

    public TableSchema table()
    {
        return table;
    }

    /**
     * Decodes one row image.
     *
     * @param values the present columns' cells in table order, null for SQL NULL
     * @param includedColumns which of the table's columns the image holds
     * @throws FerryException when a column that is not generated is missing from the image, or a
     *         value cannot be decoded; the message names table, column and type
     */
    public Row decode(Serializable[] values, BitSet includedColumns)
    {
        if (includedColumns.length() > columnCount) {
            throw new FerryException("binlog row image of " + table.name() + " has columns beyond the " + columnCount
                    + " the schema knows; the schema is out of date");
        }
        byte[][] out = new byte[columnCount][];
        int cell = 0;
        for (int i = 0; i < columnCount; i++) {
            if (!includedColumns.get(i)) {
                if (!generated[i]) {
                    throw new FerryException("binlog row image of " + table.name() + " lacks column " + columnName(i)
                            + ": the source must log full row images (SET GLOBAL binlog_row_image=FULL)");
                }
                continue;
            }
            if (cell >= values.length) {
                throw new FerryException("binlog row image of " + table.name() + " has " + values.length
                        + " values for more included columns; the image is malformed");
            }
            Serializable value = values[cell++];
            if (value != null) {
                try {
                    out[i] = convert(i, value);
                }
                catch (FerryException e) {
                    throw e;
                }
                catch (RuntimeException e) {
                    throw new FerryException("cannot decode binlog value of " + describe(i) + " from " + value.getClass().getSimpleName()
                            + ": " + e.getMessage(), e);
                }
            }
        }
        return Row.wrap(out);
    }

    private byte[] convert(int i, Serializable value)
    {
        switch (kinds[i]) {
            case SIGNED:
                return MySqlText.signed(((Number) value).longValue());
            case UNSIGNED_8:
                return MySqlText.signed(((Number) value).intValue() & 0xFFL);
            case UNSIGNED_16:
                return MySqlText.signed(((Number) value).intValue() & 0xFFFFL);
            case UNSIGNED_24:
                return MySqlText.signed(((Number) value).intValue() & 0xFFFFFFL);
            case UNSIGNED_32:
                return MySqlText.signed(((Number) value).longValue() & 0xFFFFFFFFL);
            case UNSIGNED_64:
                return MySqlText.unsigned(((Number) value).longValue());
            case YEAR: {
                int year = ((Number) value).intValue();
                return year == 0 || year == 1900 ? YEAR_ZERO : MySqlText.signed(year);
            }
            case DECIMAL:
                return decimal(i, (BigDecimal) value);
            case FLOAT:
                return ascii(MySqlText.formatDouble(((Float) value).doubleValue(), MySqlText.COLUMN_DOUBLE_WIDTH));
            case DOUBLE:
                return ascii(MySqlText.formatDouble(((Double) value).doubleValue(), MySqlText.COLUMN_DOUBLE_WIDTH));
            case FIXED_FLOATING:
                return fixedFloating(((Number) value).doubleValue(), sizes[i]);
            case BIT:
                return bit(i, value);
            case TEMPORAL:
                if (value instanceof byte[] bytes) {
                    return bytes;
                }
                throw wrongCell(i, value, "text made by the streamer's deserializers (the library's own temporal decoding is lossy)");
            case CHAR:
                return stripPad(bytes(i, value), sizes[i]);
            case BINARY:
                return padBinary(bytes(i, value), sizes[i]);
            case BYTES:
                return bytes(i, value);
            case ENUM:
                return enumMember(i, ((Number) value).intValue());
            case SET:
                return setMembers(i, ((Number) value).longValue());
            default:
                throw new FerryException("cannot decode binlog values of " + describe(i) + ": " + unsupported[i]);
        }
    }

    private void prepare(int i, Column column)
    {
        ColumnType type = column.type();
        switch (type) {
            case TINYINT:
                kinds[i] = column.unsigned() ? UNSIGNED_8 : SIGNED;
                break;
            case SMALLINT:
                kinds[i] = column.unsigned() ? UNSIGNED_16 : SIGNED;
                break;
            case MEDIUMINT:
                kinds[i] = column.unsigned() ? UNSIGNED_24 : SIGNED;
                break;
            case INT:
                kinds[i] = column.unsigned() ? UNSIGNED_32 : SIGNED;
                break;
            case BIGINT:
                kinds[i] = column.unsigned() ? UNSIGNED_64 : SIGNED;
                break;
            case YEAR:
                kinds[i] = YEAR;
                break;
            case DECIMAL: {
                int[] arguments = typeArguments(column.columnType());
                kinds[i] = DECIMAL;
                sizes[i] = arguments.length >= 2 ? arguments[1] : 0;
                break;
            }
            case FLOAT:
            case DOUBLE: {
                int[] arguments = typeArguments(column.columnType());
                if (arguments.length >= 2) {
                    kinds[i] = FIXED_FLOATING;
                    sizes[i] = arguments[1];
                }
                else {
                    kinds[i] = type == ColumnType.FLOAT ? FLOAT : DOUBLE;
                }
                break;
            }
            case BIT: {
                int[] arguments = typeArguments(column.columnType());
                kinds[i] = BIT;
                sizes[i] = ((arguments.length >= 1 ? arguments[0] : 1) + 7) / 8;
                break;
            }
            case DATE:
            case DATETIME:
            case TIMESTAMP:
            case TIME:
                kinds[i] = TEMPORAL;
                break;
            case CHAR:
                kinds[i] = CHAR;
                sizes[i] = padUnit(column.charset());
                break;
            case BINARY: {
                int[] arguments = typeArguments(column.columnType());
                kinds[i] = BINARY;
                sizes[i] = arguments.length >= 1 ? arguments[0] : 1;
                break;
            }
            case VARCHAR:
            case TINYTEXT:
            case TEXT:
            case MEDIUMTEXT:
            case LONGTEXT:
            case VARBINARY:
            case TINYBLOB:
            case BLOB:
            case MEDIUMBLOB:
            case LONGBLOB:
            case JSON:
            case GEOMETRY:
            case POINT:
            case LINESTRING:
            case POLYGON:
            case MULTIPOINT:
            case MULTILINESTRING:
            case MULTIPOLYGON:
            case GEOMETRYCOLLECTION:
            case VECTOR:
                kinds[i] = BYTES;
                break;
            case ENUM:
            case SET:
                kinds[i] = type == ColumnType.ENUM ? ENUM : SET;
                members[i] = encodeMembers(column);
                break;
            default:
                kinds[i] = UNSUPPORTED;
                unsupported[i] = "type " + column.columnType() + " is not supported by the binlog decoder";
        }
    }

    private static byte[][] encodeMembers(Column column)
    {
        Charset charset;
        try {
            charset = MySqlCharsets.forMySqlName(column.charset());
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("character set " + column.charset() + " of its members is not supported", e);
        }
        List<String> values = column.enumValues();
        byte[][] encoded = new byte[values.size()][];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = values.get(i).getBytes(charset);
        }
        return encoded;
    }

    /**
     * Bytes per pad character of a CHAR column's charset: SELECT strips trailing spaces, while the
     * binlog keeps them for multi-byte charsets.
     */
    private static int padUnit(String charset)
    {
        if (charset == null) {
            return 1;
        }
        switch (charset.toLowerCase(Locale.ROOT)) {
            case "ucs2":
            case "utf16":
                return 2;
            case "utf16le":
                return -2;
            case "utf32":
                return 4;
            default:
                return 1;
        }
    }

    private byte[] decimal(int i, BigDecimal value)
    {
        try {
            return MySqlText.decimal(value, sizes[i]);
        }
        catch (ArithmeticException e) {
            throw new FerryException("binlog value " + value.toPlainString() + " of " + describe(i) + " has more than "
                    + sizes[i] + " decimals; the schema is out of date", e);
        }
    }

    private static byte[] fixedFloating(double value, int decimals)
    {
        String text = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        if ((Double.doubleToRawLongBits(value) & Long.MIN_VALUE) != 0 && text.charAt(0) != '-') {
            // my_fcvt keeps the sign of a negative value that rounds to zero, and of -0
            text = "-" + text;
        }
        return ascii(text);
    }

    private byte[] bit(int i, Serializable value)
    {
        int length = sizes[i];
        if (value instanceof byte[] bytes) {
            if (bytes.length == length) {
                return bytes;
            }
            byte[] out = new byte[length];
            int copy = Math.min(length, bytes.length);
            System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
            return out;
        }
        if (value instanceof BitSet bits) {
            byte[] out = new byte[length];
            for (int bit = bits.nextSetBit(0); bit >= 0 && bit < length * 8; bit = bits.nextSetBit(bit + 1)) {
                out[length - 1 - (bit >> 3)] |= (byte) (1 << (bit & 7));
            }
            return out;
        }
        throw wrongCell(i, value, "byte[] or BitSet");
    }

    private byte[] bytes(int i, Serializable value)
    {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        throw wrongCell(i, value, "byte[] (the deserializer needs CHAR_AND_BINARY_AS_BYTE_ARRAY; Strings lose bytes)");
    }

    private static byte[] stripPad(byte[] value, int unit)
    {
        int end = value.length;
        switch (unit) {
            case 1:
                while (end > 0 && value[end - 1] == ' ') {
                    end--;
                }
                break;
            case 2:
                while (end >= 2 && value[end - 1] == ' ' && value[end - 2] == 0) {
                    end -= 2;
                }
                break;
            case -2:
                while (end >= 2 && value[end - 2] == ' ' && value[end - 1] == 0) {
                    end -= 2;
                }
                break;
            default:
                while (end >= 4 && value[end - 1] == ' ' && value[end - 2] == 0 && value[end - 3] == 0 && value[end - 4] == 0) {
                    end -= 4;
                }
        }
        if (end == value.length) {
            return value;
        }
        byte[] out = new byte[end];
        System.arraycopy(value, 0, out, 0, end);
        return out;
    }

    private static byte[] padBinary(byte[] value, int length)
    {
        if (value.length >= length) {
            return value;
        }
        byte[] out = new byte[length];
        System.arraycopy(value, 0, out, 0, value.length);
        return out;
    }

    private byte[] enumMember(int i, int index)
    {
        if (index == 0) {
            // the "invalid value" member an ENUM gets when a bad value was stored in a permissive mode
            return EMPTY;
        }
        byte[][] values = members[i];
        if (index < 0 || index > values.length) {
            throw new FerryException("binlog ENUM index " + index + " of " + describe(i) + " is out of range (the schema knows "
                    + values.length + " members); the schema is out of date");
        }
        return values[index - 1];
    }

    private byte[] setMembers(int i, long mask)
    {
        byte[][] values = members[i];
        if (mask == 0) {
            return EMPTY;
        }
        if (values.length < 64 && (mask >>> values.length) != 0) {
            throw new FerryException("binlog SET value 0x" + Long.toHexString(mask) + " of " + describe(i) + " has bits beyond the "
                    + values.length + " members the schema knows; the schema is out of date");
        }
        if (Long.bitCount(mask) == 1) {
            return values[Long.numberOfTrailingZeros(mask)];
        }
        int length = -1;
        for (int bit = 0; bit < values.length; bit++) {
            if ((mask & (1L << bit)) != 0) {
                length += values[bit].length + 1;
            }
        }
        byte[] out = new byte[length];
        int position = 0;
        for (int bit = 0; bit < values.length; bit++) {
            if ((mask & (1L << bit)) != 0) {
                if (position > 0) {
                    out[position++] = ',';
                }
                System.arraycopy(values[bit], 0, out, position, values[bit].length);
                position += values[bit].length;
            }
        }
        return out;
    }

    /**
     * Why a TABLE_MAP event does not fit this schema, or null when it does: the column count or a
     * column's type differs, which means the schema is older or newer than the binlog.
     *
     * @param binlogTypes the TABLE_MAP column type codes
     * @param metadata the TABLE_MAP column metadata (real types of CHAR, ENUM and SET)
     */
    String mismatch(byte[] binlogTypes, int[] metadata)
    {
        if (binlogTypes.length != columnCount) {
            return "the binlog has " + binlogTypes.length + " columns for " + table.name() + ", the schema " + columnCount;
        }
        for (int i = 0; i < columnCount; i++) {
            int code = EventDeserializers.realType(binlogTypes[i] & 0xFF, metadata[i]);
            ColumnType type = table.columns().get(i).type();
            if (!BinlogColumnTypes.matches(type, code)) {
                return "column " + columnName(i) + " of " + table.name() + " is " + table.columns().get(i).columnType()
                        + " in the schema but has binlog type code " + code;
            }
        }
        return null;
    }

    private String columnName(int i)
    {
        return table.columns().get(i).quotedName();
    }

    private String describe(int i)
    {
        Column column = table.columns().get(i);
        return table.name() + "." + column.quotedName() + " (" + column.columnType() + ")";
    }

    private FerryException wrongCell(int i, Serializable value, String expected)
    {
        return new FerryException("binlog value of " + describe(i) + " is a " + value.getClass().getSimpleName() + ", expected " + expected);
    }

    private static byte[] ascii(String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The numbers in the first parentheses of a full column type: {@code decimal(65,30)} gives
     * {@code [65, 30]}, {@code enum('a','b')} gives nothing.
     */
    static int[] typeArguments(String columnType)
    {
        int open = columnType.indexOf('(');
        int close = columnType.indexOf(')', open + 1);
        if (open < 0 || close < 0) {
            return new int[0];
        }
        String[] parts = columnType.substring(open + 1, close).split(",");
        int[] result = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                result[i] = Integer.parseInt(parts[i].trim());
            }
            catch (NumberFormatException e) {
                return new int[0];
            }
        }
        return result;
    }
}
