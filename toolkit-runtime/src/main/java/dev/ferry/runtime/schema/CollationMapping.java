package dev.ferry.runtime.schema;

import dev.ferry.api.model.TableName;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Fits the collations of a source table's {@code SHOW CREATE TABLE} to the collations the target
 * server has. MariaDB 11.4 knows MySQL 8's {@code utf8mb4_*_0900_*} collations as aliases of its
 * own {@code utf8mb4_uca1400_*_nopad_*} ones (which MariaDB has since 10.10), and prints the alias
 * in {@code SHOW CREATE TABLE}; a 10.11 target lacks the aliases. Such a collation is replaced by
 * the one it is an alias of, which sorts and compares the same. Any other collation the target
 * lacks is an error naming the table and the collation: ferry does not guess a collation that
 * would change how keys compare.
 */
public final class CollationMapping
{
    /**
     * MariaDB 11.4.5's aliases ({@code information_schema.COLLATIONS}, comment "Alias for ...").
     */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("utf8mb4_0900_ai_ci", "utf8mb4_uca1400_nopad_ai_ci"),
            Map.entry("utf8mb4_de_pb_0900_ai_ci", "utf8mb4_uca1400_german2_nopad_ai_ci"),
            Map.entry("utf8mb4_is_0900_ai_ci", "utf8mb4_uca1400_icelandic_nopad_ai_ci"),
            Map.entry("utf8mb4_lv_0900_ai_ci", "utf8mb4_uca1400_latvian_nopad_ai_ci"),
            Map.entry("utf8mb4_ro_0900_ai_ci", "utf8mb4_uca1400_romanian_nopad_ai_ci"),
            Map.entry("utf8mb4_sl_0900_ai_ci", "utf8mb4_uca1400_slovenian_nopad_ai_ci"),
            Map.entry("utf8mb4_pl_0900_ai_ci", "utf8mb4_uca1400_polish_nopad_ai_ci"),
            Map.entry("utf8mb4_et_0900_ai_ci", "utf8mb4_uca1400_estonian_nopad_ai_ci"),
            Map.entry("utf8mb4_es_0900_ai_ci", "utf8mb4_uca1400_spanish_nopad_ai_ci"),
            Map.entry("utf8mb4_sv_0900_ai_ci", "utf8mb4_uca1400_swedish_nopad_ai_ci"),
            Map.entry("utf8mb4_tr_0900_ai_ci", "utf8mb4_uca1400_turkish_nopad_ai_ci"),
            Map.entry("utf8mb4_cs_0900_ai_ci", "utf8mb4_uca1400_czech_nopad_ai_ci"),
            Map.entry("utf8mb4_da_0900_ai_ci", "utf8mb4_uca1400_danish_nopad_ai_ci"),
            Map.entry("utf8mb4_lt_0900_ai_ci", "utf8mb4_uca1400_lithuanian_nopad_ai_ci"),
            Map.entry("utf8mb4_sk_0900_ai_ci", "utf8mb4_uca1400_slovak_nopad_ai_ci"),
            Map.entry("utf8mb4_es_trad_0900_ai_ci", "utf8mb4_uca1400_spanish2_nopad_ai_ci"),
            Map.entry("utf8mb4_la_0900_ai_ci", "utf8mb4_uca1400_roman_nopad_ai_ci"),
            Map.entry("utf8mb4_eo_0900_ai_ci", "utf8mb4_uca1400_esperanto_nopad_ai_ci"),
            Map.entry("utf8mb4_hu_0900_ai_ci", "utf8mb4_uca1400_hungarian_nopad_ai_ci"),
            Map.entry("utf8mb4_hr_0900_ai_ci", "utf8mb4_uca1400_croatian_nopad_ai_ci"),
            Map.entry("utf8mb4_vi_0900_ai_ci", "utf8mb4_uca1400_vietnamese_nopad_ai_ci"),
            Map.entry("utf8mb4_0900_as_cs", "utf8mb4_uca1400_nopad_as_cs"),
            Map.entry("utf8mb4_de_pb_0900_as_cs", "utf8mb4_uca1400_german2_nopad_as_cs"),
            Map.entry("utf8mb4_is_0900_as_cs", "utf8mb4_uca1400_icelandic_nopad_as_cs"),
            Map.entry("utf8mb4_lv_0900_as_cs", "utf8mb4_uca1400_latvian_nopad_as_cs"),
            Map.entry("utf8mb4_ro_0900_as_cs", "utf8mb4_uca1400_romanian_nopad_as_cs"),
            Map.entry("utf8mb4_sl_0900_as_cs", "utf8mb4_uca1400_slovenian_nopad_as_cs"),
            Map.entry("utf8mb4_pl_0900_as_cs", "utf8mb4_uca1400_polish_nopad_as_cs"),
            Map.entry("utf8mb4_et_0900_as_cs", "utf8mb4_uca1400_estonian_nopad_as_cs"),
            Map.entry("utf8mb4_es_0900_as_cs", "utf8mb4_uca1400_spanish_nopad_as_cs"),
            Map.entry("utf8mb4_sv_0900_as_cs", "utf8mb4_uca1400_swedish_nopad_as_cs"),
            Map.entry("utf8mb4_tr_0900_as_cs", "utf8mb4_uca1400_turkish_nopad_as_cs"),
            Map.entry("utf8mb4_cs_0900_as_cs", "utf8mb4_uca1400_czech_nopad_as_cs"),
            Map.entry("utf8mb4_da_0900_as_cs", "utf8mb4_uca1400_danish_nopad_as_cs"),
            Map.entry("utf8mb4_lt_0900_as_cs", "utf8mb4_uca1400_lithuanian_nopad_as_cs"),
            Map.entry("utf8mb4_sk_0900_as_cs", "utf8mb4_uca1400_slovak_nopad_as_cs"),
            Map.entry("utf8mb4_es_trad_0900_as_cs", "utf8mb4_uca1400_spanish2_nopad_as_cs"),
            Map.entry("utf8mb4_la_0900_as_cs", "utf8mb4_uca1400_roman_nopad_as_cs"),
            Map.entry("utf8mb4_eo_0900_as_cs", "utf8mb4_uca1400_esperanto_nopad_as_cs"),
            Map.entry("utf8mb4_hu_0900_as_cs", "utf8mb4_uca1400_hungarian_nopad_as_cs"),
            Map.entry("utf8mb4_hr_0900_as_cs", "utf8mb4_uca1400_croatian_nopad_as_cs"),
            Map.entry("utf8mb4_vi_0900_as_cs", "utf8mb4_uca1400_vietnamese_nopad_as_cs"),
            Map.entry("utf8mb4_0900_as_ci", "utf8mb4_uca1400_nopad_as_ci"),
            Map.entry("utf8mb4_0900_bin", "utf8mb4_bin"));

    private CollationMapping() {}

    /**
     * The collation the given alias stands for, or the collation itself when it is no alias.
     */
    public static String resolveAlias(String collation)
    {
        requireNonNull(collation, "collation is null");
        return ALIASES.getOrDefault(collation.toLowerCase(Locale.ROOT), collation);
    }

    /**
     * The collation to use on a target that has {@code targetCollations} (lower case names).
     *
     * @param what what is being created, for the error: {@code table db.t}, {@code database db}
     * @throws SchemaException naming {@code what} when the target has neither the collation nor
     *         the collation it is an alias of
     */
    public static String forTarget(String collation, Set<String> targetCollations, String what)
    {
        requireNonNull(collation, "collation is null");
        requireNonNull(targetCollations, "targetCollations is null");
        requireNonNull(what, "what is null");
        String lower = collation.toLowerCase(Locale.ROOT);
        if (targetCollations.contains(lower)) {
            return collation;
        }
        String resolved = ALIASES.get(lower);
        if (resolved != null && targetCollations.contains(resolved)) {
            return resolved;
        }
        throw new SchemaException("cannot create " + what + " on the target: the target server has no collation " + collation
                + (resolved == null ? "" : " (nor " + resolved + ", which it is an alias of)")
                + "; create it on the target yourself with a collation the target has, or upgrade the target server");
    }

    /**
     * Rewrites every {@code COLLATE name} / {@code COLLATE=name} outside quotes in a
     * server-generated {@code CREATE TABLE} or {@code CREATE DATABASE} text with
     * {@link #forTarget}. Returns the text unchanged when the target has every collation.
     *
     * @throws SchemaException as {@link #forTarget} does
     */
    public static String rewrite(String sql, Set<String> targetCollations, TableName table)
    {
        requireNonNull(table, "table is null");
        return rewrite(sql, targetCollations, "table " + table);
    }

    /**
     * {@link #rewrite(String, Set, TableName)} for any statement; {@code what} names what it
     * creates or changes, for the error.
     */
    public static String rewrite(String sql, Set<String> targetCollations, String what)
    {
        requireNonNull(sql, "sql is null");
        requireNonNull(what, "what is null");
        StringBuilder out = null;
        int copied = 0;
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i);
                continue;
            }
            if ((c == 'C' || c == 'c') && sql.regionMatches(true, i, "COLLATE", 0, 7)
                    && (i == 0 || !isNameChar(sql.charAt(i - 1)))
                    && i + 7 < length && !isNameChar(sql.charAt(i + 7))) {
                int start = i + 7;
                while (start < length && (sql.charAt(start) == ' ' || sql.charAt(start) == '=')) {
                    start++;
                }
                int end = start;
                while (end < length && isNameChar(sql.charAt(end))) {
                    end++;
                }
                if (end > start) {
                    String name = sql.substring(start, end);
                    String mapped = forTarget(name, targetCollations, what);
                    if (!mapped.equals(name)) {
                        if (out == null) {
                            out = new StringBuilder(length + 16);
                        }
                        out.append(sql, copied, start).append(mapped);
                        copied = end;
                    }
                }
                i = end;
                continue;
            }
            i++;
        }
        if (out == null) {
            return sql;
        }
        return out.append(sql, copied, length).toString();
    }

    /**
     * Every collation name a server knows, lower case. MariaDB 10.10+ lists the full names of its
     * UCA 14 collations ({@code utf8mb4_uca1400_ai_ci}) only in
     * {@code COLLATION_CHARACTER_SET_APPLICABILITY.FULL_COLLATION_NAME} (11.4's
     * {@code COLLATIONS} and {@code SHOW COLLATION} print {@code uca1400_ai_ci}); MySQL has no such
     * column, and there {@code COLLATION_NAME} is the full name.
     */
    public static Set<String> collationsOf(Connection connection)
            throws SQLException
    {
        Set<String> names = new HashSet<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT CAST(collation_name AS CHAR CHARACTER SET utf8mb4) FROM information_schema.collations")) {
                while (rows.next()) {
                    names.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT CAST(full_collation_name AS CHAR CHARACTER SET utf8mb4) FROM information_schema.collation_character_set_applicability")) {
                while (rows.next()) {
                    names.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
            catch (SQLException e) {
                // no full_collation_name: collation_name above is the full name already
            }
        }
        return Set.copyOf(names);
    }

    private static int skipQuoted(String sql, int open)
    {
        char quote = sql.charAt(open);
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static boolean isNameChar(char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    }
}
