package dev.ferry.plugins.filters;

import dev.ferry.api.filter.CopyFilterFactory;

import java.util.ArrayList;
import java.util.List;

class WhereCopyFilterContractIT
        extends CopyFilterContractIT
{
    private static final List<String> CONDITIONS = List.of(
            // numbers: signed, unsigned up to 2^64-1, decimals
            "n = 7", "n <> 7", "n BETWEEN -1 AND 7.5", "n NOT BETWEEN -1 AND 7", "n IN (1, 7, NULL)", "n NOT IN (1, NULL)", "n NOT IN (1, 2)",
            "7 < n", "n >= 7.0", "d = 7", "d >= -0.5", "d < 0.1", "d IN (7.01, -0.50)",
            "id = 18446744073709551615", "id > 9223372036854775807", "id <= 3",
            // NULL and three-valued logic
            "n IS NULL", "n IS NOT NULL AND s IS NULL", "NOT (n > 3)", "NOT (n > 3) OR n IS NULL", "n = NULL", "NOT (n = NULL)",
            "(n = 7 OR s = 'acme') AND NOT (d < 0)", "n = 1 OR n = NULL", "n BETWEEN NULL AND 7", "n NOT BETWEEN NULL AND 3",
            // text under a case- and accent-insensitive, PAD SPACE collation: equality only
            "s = 'acme'", "s IN ('acme', 'x')", "s <> 'acme'", "s NOT IN ('acme', 'beta')", "s = 'ACME  '", "s = 'acmé'",
            // binary collations, PAD SPACE and NO PAD, ordered byte-wise
            "b = 'acme'", "b < 'b'", "b > 'acme'", "b BETWEEN 'a' AND 'acme '", "b >= 'acme'", "np = 'acme'", "np > 'acme'", "np <= 'acme'",
            // latin1, CHAR, ENUM
            "l = 'ÄBC'", "l IN ('abc', 'xyz')", "lb < 'b'", "lb = 'Äbc'", "c = 'ab'", "c IN ('AB', 'x')", "e = 'VOID'", "e IN ('paid')", "e <> 'draft'",
            // dates and times
            "at >= '2024-01-01'", "at = '2024-01-01 10:00:00.5'", "at < '2024-01-01 10:00:00.501'", "day < '2024-03-01'",
            "day BETWEEN '2024-02-28' AND '2024-02-29'", "ts > '2024-01-01 00:00:00'", "ts = '2024-01-01'",
            // binary strings
            "raw = 'ab'", "raw > 'a'", "raw IN ('ab', 'abc')");

    @Override
    protected List<String> schema()
    {
        return List.of(
                "CREATE TABLE things (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, n INT NULL, d DECIMAL(10,2) NULL, "
                        + "s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL, "
                        + "b VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL, "
                        + "np VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL, "
                        + "l VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NULL, "
                        + "lb VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_bin NULL, "
                        + "c CHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL, e ENUM('paid', 'void', 'draft') NULL, "
                        + "at DATETIME(3) NULL, day DATE NULL, ts TIMESTAMP NULL, raw VARBINARY(8) NULL)",
                "INSERT INTO things VALUES "
                        + "(1, 7, 7.00, 'acme', 'acme', 'acme', 'abc', 'abc', 'ab', 'paid', '2024-01-01 00:00:00', '2024-02-29', '2024-01-01 00:00:00', 'ab'),"
                        + "(2, -1, -0.50, 'ACME', 'ACME', 'acme ', 'ÄBC', 'Äbc', 'AB', 'void', '2024-01-01 10:00:00.5', '2024-03-01', '2024-01-01 00:00:01', 'ab '),"
                        + "(3, NULL, NULL, 'Acme  ', 'acme  ', 'acme\t', 'äbc', 'b', 'ab  ', 'draft', '2023-12-31 23:59:59.999', '2024-02-28', NULL, 'abc'),"
                        + "(4, 1, 0.09, 'acmé', 'acmé', 'acmf', 'xyz', 'a', NULL, NULL, NULL, NULL, '2023-06-01 12:00:00', 'a'),"
                        + "(5, 8, 7.01, 'beta', 'b', 'b', NULL, NULL, 'x', 'void', '2024-01-01 10:00:00.501', '2024-01-01', NULL, NULL),"
                        + "(6, 3, 100.00, NULL, NULL, NULL, 'ABC ', 'Abc', 'Ab', 'paid', '2025-01-01', '2000-01-01', '2030-01-01', ''),"
                        + "(9223372036854775808, 7, -7.00, 'x', 'a\t', 'acme', 'abc', 'ab', 'ab', 'paid', '2024-01-01 00:00:00', '2024-02-29', NULL, 'ab'),"
                        + "(18446744073709551615, 2, 7.5, 'acme', 'acme', 'ACME', 'abd', 'Ä', 'ab', 'void', '2024-06-01', '2024-02-29', '2024-01-01 00:00:00', 'b')");
    }

    @Override
    protected CopyFilterFactory factory()
    {
        return new WhereCopyFilterFactory();
    }

    @Override
    protected List<String> configs(String database)
    {
        List<String> configs = new ArrayList<>();
        for (String condition : CONDITIONS) {
            configs.add("default: \"" + condition + "\"");
        }
        configs.add("tables: {" + database + ".things: \"s = 'acme' AND n = 7\"}");
        return configs;
    }
}
