package dev.ferry.runtime.schema;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.ForeignKey;
import dev.ferry.api.model.PaginationKey;
import dev.ferry.api.model.TableName;
import dev.ferry.api.model.TableSchema;
import dev.ferry.runtime.config.RewritesConfig;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads source tables' schemas as the target has them now: after a replicated DDL, and on a
 * resume that replays DDL, the target holds exactly the structure the source had at the
 * applier's binlog position (the source itself may be further ahead).
 */
public final class TargetSchemas
{
    private final SchemaLoader targetLoader;
    private final RewritesConfig rewrites;
    private final PaginationKeys keys;

    public TargetSchemas(SchemaLoader targetLoader, RewritesConfig rewrites, PaginationKeys keys)
    {
        this.targetLoader = requireNonNull(targetLoader, "targetLoader is null");
        this.rewrites = requireNonNull(rewrites, "rewrites is null");
        this.keys = requireNonNull(keys, "keys is null");
    }

    /**
     * A source table's schema as the target has it (under its rewritten name), labelled with the
     * source's name, with its pagination key chosen when it has one; empty when the target has
     * no such table.
     */
    public Optional<TableSchema> load(TableName source)
    {
        Optional<TableSchema> loaded;
        try {
            loaded = targetLoader.load(rewrites.apply(source));
        }
        catch (SQLException e) {
            throw new FerryException("cannot read the target's schema of " + source + " after a DDL: " + e.getMessage(), e);
        }
        return loaded.map(schema -> {
            // foreign keys name their parents as the target has them: back to the source's names,
            // which the rest of ferry (cascades, creation order) works in
            List<ForeignKey> foreignKeys = new ArrayList<>(schema.foreignKeys().size());
            for (ForeignKey key : schema.foreignKeys()) {
                foreignKeys.add(new ForeignKey(key.name(), key.columns(), rewrites.reverse(key.referencedTable()), key.referencedColumns(), key.onDelete(),
                        key.onUpdate()));
            }
            TableSchema relabelled = new TableSchema(source, schema.columns(), schema.indexes(), foreignKeys, schema.paginationKey(), schema.fingerprint());
            try {
                return keys.choose(relabelled);
            }
            catch (SchemaException e) {
                return relabelled.withPaginationKey(PaginationKey.fullCopy());
            }
        });
    }
}
