package dev.ferry.api.filter;

import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableSchema;

import java.util.List;
import java.util.Optional;

/**
 * Narrows what is moved within the tables the {@link TableFilter} accepts, e.g. to one tenant's
 * rows. It contributes a predicate to the copy SELECT and judges every binlog row image.
 *
 * <p>For an UPDATE the runtime asks about both images: old in and new in applies the update, old
 * out and new in upserts the new image, old in and new out deletes the old row, both out skips
 * the event.
 *
 * <p>Implementations are thread-safe: the copy workers and the binlog applier call them
 * concurrently.
 */
public interface CopyFilter
{
    /**
     * Called once the source is connected and the tables are known, before the copy starts.
     * Returns problems (e.g. a table covered by no rule), each naming the table and the config key
     * that fixes it; an empty list when all is well.
     */
    default List<String> check(List<TableSchema> tables)
    {
        return List.of();
    }

    /**
     * The predicate the copy SELECT of {@code table} must add, or empty to copy the whole table.
     */
    Optional<SqlPredicate> copyPredicate(TableSchema table);

    /**
     * Columns to paginate this table by instead of its primary key, e.g. {@code (tenant_id, id)}
     * so that the copy reads only the tenant's index range; empty keeps ferry's choice. The
     * columns must form a unique key.
     */
    default Optional<List<String>> paginationColumns(TableSchema table)
    {
        return Optional.empty();
    }

    /**
     * Whether a row image of {@code table} (all columns, table order) belongs to the moved data.
     * May query the source (e.g. through a join); called on the applier thread, so it should be
     * fast or cached.
     */
    boolean matches(TableSchema table, Row row);
}
