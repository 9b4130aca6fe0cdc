package dev.ferry.api.model;

import dev.ferry.api.RuntimeBuilt;

import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A foreign key from a table to a referenced table, with what the server does to the referencing
 * rows when a referenced row is deleted ({@code onDelete}) or its referenced columns change
 * ({@code onUpdate}).
 */
@RuntimeBuilt
public record ForeignKey(String name, List<String> columns, TableName referencedTable, List<String> referencedColumns, Action onDelete,
        Action onUpdate)
{
    /**
     * A referential action, as {@code information_schema.REFERENTIAL_CONSTRAINTS} spells it in
     * {@code DELETE_RULE} and {@code UPDATE_RULE}.
     */
    public enum Action
    {
        RESTRICT, NO_ACTION, CASCADE, SET_NULL, SET_DEFAULT;

        /**
         * Whether the server changes referencing rows (rather than refusing or ignoring the change).
         */
        public boolean changesReferencingRows()
        {
            return this == CASCADE || this == SET_NULL || this == SET_DEFAULT;
        }

        /**
         * The action named by a {@code DELETE_RULE} or {@code UPDATE_RULE} value such as
         * {@code "SET NULL"}; a null or empty value is {@link #RESTRICT}, the server's default.
         *
         * @throws IllegalArgumentException for an unknown rule
         */
        public static Action fromRule(String rule)
        {
            if (rule == null || rule.isBlank()) {
                return RESTRICT;
            }
            String normalized = rule.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", "_");
            for (Action action : values()) {
                if (action.name().equals(normalized)) {
                    return action;
                }
            }
            throw new IllegalArgumentException("unknown referential action \"" + rule + "\"; expected RESTRICT, NO ACTION, CASCADE, SET NULL or SET DEFAULT");
        }
    }

    public ForeignKey
    {
        requireNonNull(name, "name is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(referencedTable, "referencedTable is null");
        referencedColumns = List.copyOf(requireNonNull(referencedColumns, "referencedColumns is null"));
        requireNonNull(onDelete, "onDelete is null");
        requireNonNull(onUpdate, "onUpdate is null");
    }

    /**
     * A foreign key with the server's default actions ({@code RESTRICT} on delete and update).
     */
    public ForeignKey(String name, List<String> columns, TableName referencedTable, List<String> referencedColumns)
    {
        this(name, columns, referencedTable, referencedColumns, Action.RESTRICT, Action.RESTRICT);
    }
}
