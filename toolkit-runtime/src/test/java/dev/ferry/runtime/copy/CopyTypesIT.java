package dev.ferry.runtime.copy;

import dev.ferry.runtime.Ferry;
import dev.ferry.runtime.RunResult;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.testing.RealServers;
import dev.ferry.testing.TableAssertions;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every column type survives the copy byte for byte. The table assertion compares what the text
 * protocol shows; the {@code HEX()} and {@code CAST} comparisons catch what it cannot (FLOAT
 * precision, the sign of zero, the instant of a TIMESTAMP, ENUM and SET indexes).
 */
@RealServers
class CopyTypesIT
{
    private static final String ALL_BYTES = hexRange(0x00, 0xff);

    private static final String CREATE = """
            CREATE TABLE everything (
              id INT NOT NULL PRIMARY KEY,
              bin16 BINARY(16) NULL,
              varbin VARBINARY(300) NULL,
              tinyblob_ TINYBLOB NULL,
              blob_ BLOB NULL,
              longblob_ LONGBLOB NULL,
              char_ CHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
              varchar_ VARCHAR(100) CHARACTER SET utf8mb4 NULL,
              text_ TEXT CHARACTER SET utf8mb4 NULL,
              latin1_ VARCHAR(300) CHARACTER SET latin1 NULL,
              latin1_text TEXT CHARACTER SET latin1 NULL,
              cp1251_ VARCHAR(50) CHARACTER SET cp1251 NULL,
              sjis_ VARCHAR(50) CHARACTER SET sjis NULL,
              ubig BIGINT UNSIGNED NULL,
              sbig BIGINT NULL,
              tiny TINYINT NULL,
              utiny TINYINT UNSIGNED NULL,
              small SMALLINT NULL,
              usmall SMALLINT UNSIGNED NULL,
              medium MEDIUMINT NULL,
              umedium MEDIUMINT UNSIGNED NULL,
              int_ INT NULL,
              uint INT UNSIGNED NULL,
              dec65 DECIMAL(65,30) NULL,
              float_ FLOAT NULL,
              double_ DOUBLE NULL,
              date_ DATE NULL,
              datetime6 DATETIME(6) NULL,
              timestamp6 TIMESTAMP(6) NULL DEFAULT NULL,
              time6 TIME(6) NULL,
              year_ YEAR NULL,
              bit1 BIT(1) NULL,
              bit64 BIT(64) NULL,
              enum_ ENUM('', 'small', 'it''s', 'ü') NULL,
              set_ SET('x', 'y', 'z') NULL,
              json_ JSON NULL,
              geometry_ GEOMETRY NULL,
              point_ POINT NULL,
              hidden INT NULL INVISIBLE,
              stored_ BIGINT AS (int_ * 2) STORED,
              virtual_ VARCHAR(110) AS (CONCAT(varchar_, '!')) VIRTUAL
            )""";

    private static final String COLUMNS = "id, bin16, varbin, tinyblob_, blob_, longblob_, char_, varchar_, text_, latin1_, latin1_text, cp1251_, sjis_, "
            + "ubig, sbig, tiny, utiny, small, usmall, medium, umedium, int_, uint, dec65, float_, double_, "
            + "date_, datetime6, timestamp6, time6, year_, bit1, bit64, enum_, set_, json_, geometry_, point_, hidden";

    /**
     * What the text protocol may hide, rendered exactly on each side.
     */
    private static final String EXACT = "SELECT id, HEX(bin16), LENGTH(bin16), HEX(varbin), HEX(tinyblob_), MD5(blob_), MD5(longblob_), LENGTH(longblob_), "
            + "HEX(char_), HEX(varchar_), MD5(text_), HEX(latin1_), HEX(latin1_text), HEX(cp1251_), HEX(sjis_), "
            + "CAST(ubig AS CHAR), CAST(sbig AS CHAR), tiny, utiny, small, usmall, medium, umedium, int_, uint, CAST(dec65 AS CHAR), "
            + "CAST(float_ AS DOUBLE), ATAN2(float_, -1), CONCAT(double_), ATAN2(double_, -1), "
            + "CAST(date_ AS CHAR), CAST(datetime6 AS CHAR), UNIX_TIMESTAMP(timestamp6), CAST(time6 AS CHAR), CAST(year_ AS CHAR), "
            + "HEX(bit1), HEX(bit64), enum_ + 0, HEX(enum_), set_ + 0, HEX(json_), HEX(geometry_), HEX(point_), ST_AsText(point_), ST_SRID(geometry_), "
            + "hidden, stored_, HEX(virtual_) FROM %s.everything ORDER BY id";

    @ParameterizedTest(name = "copy.writeMethod: {0}")
    @ValueSource(strings = {"insert", "load-data"})
    void everyTypeRoundTripsExactly(String writeMethod, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(CREATE,
                // a one-column table: an empty value is an empty line in a LOAD DATA stream
                "CREATE TABLE single (k VARBINARY(10) NOT NULL PRIMARY KEY)",
                "INSERT INTO single VALUES (''), (' '), ('\\\\N'), ('N'), (UNHEX('5C')), (UNHEX('0A')), (UNHEX('09')), (UNHEX('00'))",
                "SET time_zone = '+00:00'",
                // extremes at the top
                "INSERT INTO everything (" + COLUMNS + ") VALUES (1, UNHEX('00FF7F80000102030405060708090000'), UNHEX('" + ALL_BYTES + "'), "
                        + "UNHEX('" + hexRange(0x00, 0xfe) + "'), REPEAT(UNHEX('" + ALL_BYTES + "'), 100), REPEAT(UNHEX('" + ALL_BYTES + "'), 8192), "
                        + "'😀é€ab', 'I ❤ 🦀 Ünïcödé 𝄞 trailing   ', REPEAT('😀𝄞ä', 1000), UNHEX('" + hexRange(0x80, 0xff) + "'), "
                        + "UNHEX('" + hexRange(0x20, 0xff) + "'), 'Привет, мир', '日本語のテキスト', "
                        + "18446744073709551615, 9223372036854775807, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, "
                        + "99999999999999999999999999999999999.999999999999999999999999999999, 3.4028234e38, 1.7976931348623157e308, "
                        + "'9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '838:59:59.000000', 2155, b'1', "
                        + "b'" + "1".repeat(64) + "', 'it''s', 'x,y,z', "
                        + "'{\"b\": [1, 2.50, \"ü😀\\\\u0000\"], \"a\": null,   \"n\": {\"k\": true}}', "
                        + "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,3 2,3 3,2 2))', 4326), ST_PointFromText('POINT(1.5 -2.25)', 3857), 7)",
                // extremes at the bottom, empty values
                "INSERT INTO everything (" + COLUMNS + ") VALUES (2, UNHEX('00000000000000000000000000000000'), '', UNHEX('00'), '', '', "
                        + "'', '', '', '', '', '', '', "
                        + "0, -9223372036854775808, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, "
                        + "-99999999999999999999999999999999999.999999999999999999999999999999, -3.4028234e38, -1.7976931348623157e308, "
                        + "'1000-01-01', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000', '-838:59:59.000000', 1901, b'0', b'0', "
                        + "'', '', '[]', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(0 0)'), 0)",
                // NULL in every nullable column
                "INSERT INTO everything (id) VALUES (3)",
                // tiny magnitudes and values the text protocol renders inexactly
                "INSERT INTO everything (id, bin16, dec65, float_, double_, time6, datetime6, bit64, set_, enum_, varchar_) VALUES "
                        + "(4, UNHEX('FF'), 0.000000000000000000000000000001, 1.4e-45, 4.9e-324, '-00:00:00.000001', '2024-02-29 12:34:56.000001', "
                        + "b'1" + "0".repeat(62) + "1', 'x,z', 'ü', ''), "
                        + "(5, UNHEX('0000'), -0.000000000000000000000000000001, 1.0000001, '-0', '-00:59:59.999999', '2000-01-01 00:00:00', b'10', 'z,x', 'small', ' '), "
                        + "(6, NULL, 12345678901234567890123456789012345.123456789012345678901234567890, 16777215, 2.2250738585072014e-308, "
                        + "'00:00:00', '1999-12-31 23:59:59.5', 0, 'y', '', 'a\tb\nc\\\\d\\'e\"f'), "
                        + "(7, NULL, NULL, 123456789, 0.1, NULL, NULL, NULL, NULL, NULL, NULL), "
                        + "(8, NULL, NULL, 0.1, -1.1754943508222875e-38, NULL, NULL, NULL, NULL, NULL, NULL)",
                // TIMESTAMP values written from sessions in different time zones: the same wall time, three instants
                "SET time_zone = '+05:30'",
                "INSERT INTO everything (id, timestamp6) VALUES (9, '2024-06-01 12:00:00.123456')",
                "SET time_zone = '-08:00'",
                "INSERT INTO everything (id, timestamp6) VALUES (10, '2024-06-01 12:00:00.123456')",
                "SET time_zone = '+00:00'",
                "INSERT INTO everything (id, timestamp6) VALUES (11, '2024-06-01 12:00:00.123456')",
                // zero dates, zero parts and invalid dates under a permissive sql_mode
                "SET sql_mode = 'ALLOW_INVALID_DATES'",
                "INSERT INTO everything (id, date_, datetime6, timestamp6, year_) VALUES "
                        + "(12, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0), "
                        + "(13, '2024-00-15', '2024-02-00 10:00:00.5', NULL, '0000'), "
                        + "(14, '2023-02-31', '2023-04-31 23:59:59.999999', NULL, 69)",
                // many more rows, so that batches mix every shape
                "INSERT INTO everything (" + COLUMNS + ") SELECT seq + 100, UNHEX(MD5(seq)), UNHEX(SHA2(seq, 256)), CHAR(seq % 256), "
                        + "REPEAT(CHAR(seq % 256), seq % 50), NULL, CONCAT('😀', seq), CONCAT('row ', seq, REPEAT(' ', seq % 3)), NULL, "
                        + "CHAR(128 + seq % 128), NULL, 'ё', NULL, "
                        + "18446744073709551615 - seq, -seq, seq % 128, seq % 256, -seq, seq, -seq, seq, -seq, seq, seq / 7, "
                        + "seq / 3, seq / 3, '2024-01-01' + INTERVAL seq DAY, '2024-01-01' + INTERVAL seq SECOND, "
                        + "'2024-01-01' + INTERVAL seq MINUTE, SEC_TO_TIME(-seq), 1901 + seq % 255, seq % 2, seq, "
                        + "ELT(1 + seq % 4, '', 'small', 'it''s', 'ü'), seq % 8, JSON_OBJECT('seq', seq), POINT(seq, -seq), POINT(seq, seq), seq "
                        + "FROM seq_1_to_500");

        RunResult result = CopyTesting.run(db, "copy:\n  batchSize: 3\n  writeMethod: " + writeMethod + "\n");

        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        assertEquals(514 + 8, result.rowsCopied());
        assertEquals(8, db.target().queryLong("SELECT COUNT(*) FROM " + db.name() + ".single"));
        if (db.source().keepsNegativeZero() && !db.target().keepsNegativeZero()) {
            // an 11.4 source keeps row 5's -0 double, a 10.11 target can only store 0
            assertEquals(List.of(List.of("0")), db.target().query("SELECT CAST(double_ AS CHAR) FROM " + db.name() + ".everything WHERE id = 5"));
            db.executeOnSource("UPDATE everything SET double_ = 0e0 WHERE id = 5");
        }
        TableAssertions.assertTablesEqual(db.source(), db.name(), db.target(), db.name());
        List<List<String>> source = db.source().query(EXACT.formatted(db.name()));
        List<List<String>> target = db.target().query(EXACT.formatted(db.name()));
        assertEquals(514, source.size());
        assertExactlyEqual(source, target);
        String everything = db.name() + ".everything";
        assertEquals(List.of(List.of("1.0000001192092896"), List.of("16777215"), List.of("123456792"), List.of("0.10000000149011612")),
                db.target().query("SELECT CONCAT(CAST(float_ AS DOUBLE)) FROM " + everything + " WHERE id IN (5, 6, 7, 8) ORDER BY id"),
                "FLOAT values whose text rendering is rounded to 6 digits");
        assertEquals(List.of(List.of("1717223400.123456"), List.of("1717272000.123456"), List.of("1717243200.123456")),
                db.target().query("SELECT UNIX_TIMESTAMP(timestamp6) FROM " + everything + " WHERE id IN (9, 10, 11) ORDER BY id"),
                "TIMESTAMP instants written from +05:30, -08:00 and UTC");
        assertEquals(List.of(List.of("-838:59:59.000000", "0000-00-00", "0000-00-00 00:00:00.000000", "0000")),
                db.target().query("SELECT (SELECT CAST(time6 AS CHAR) FROM " + everything + " WHERE id = 2), CAST(date_ AS CHAR), CAST(datetime6 AS CHAR), CAST(year_ AS CHAR) FROM "
                        + everything + " WHERE id = 12"));
    }

    @ParameterizedTest(name = "copy.writeMethod: {0}")
    @ValueSource(strings = {"insert", "load-data"})
    void generatedColumnsAreComputedByTheTarget(String writeMethod, TestDatabase db)
            throws Exception
    {
        db.executeOnSource(
                "CREATE TABLE g (id INT NOT NULL PRIMARY KEY, v INT NOT NULL, s BIGINT AS (v * 2) STORED, w BIGINT AS (v * 2) VIRTUAL)",
                "INSERT INTO g (id, v) SELECT seq, seq FROM seq_1_to_100");
        // the target computes them differently: were ferry to write them, the insert would fail or keep the source's values
        db.target().execute("CREATE DATABASE " + db.name(),
                "CREATE TABLE " + db.name() + ".g (id INT NOT NULL PRIMARY KEY, v INT NOT NULL, s BIGINT AS (v * 3) STORED, w BIGINT AS (v * 5) VIRTUAL)");

        RunResult result = CopyTesting.run(db, "copy:\n  batchSize: 7\n  writeMethod: " + writeMethod + "\n");

        assertEquals(FerryPhase.DONE, result.phase(), result.message());
        assertEquals(List.of(List.of("100", "5050", "15150", "25250")),
                db.target().query("SELECT COUNT(*), SUM(v), SUM(s), SUM(w) FROM " + db.name() + ".g"));
    }

    private static void assertExactlyEqual(List<List<String>> source, List<List<String>> target)
    {
        String[] expressions = EXACT.substring("SELECT ".length(), EXACT.indexOf(" FROM ")).split(", (?![^(]*\\))");
        StringBuilder differences = new StringBuilder();
        for (int row = 0; row < source.size(); row++) {
            for (int column = 0; column < expressions.length; column++) {
                String expected = source.get(row).get(column);
                String actual = target.get(row).get(column);
                if (!Objects.equals(expected, actual)) {
                    differences.append("\n  id ").append(source.get(row).get(0)).append(", ").append(expressions[column])
                            .append(": source ").append(expected).append(", target ").append(actual);
                }
            }
        }
        if (!differences.isEmpty()) {
            throw new AssertionError("values differ between source and target:" + differences);
        }
    }

    private static String hexRange(int from, int to)
    {
        byte[] bytes = new byte[to - from + 1];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (from + i);
        }
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }
}
