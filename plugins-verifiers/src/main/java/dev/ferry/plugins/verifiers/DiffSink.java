package dev.ferry.plugins.verifiers;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.TableName;

/**
 * Receives what a comparison found different. Called from comparison threads; implementations
 * are thread-safe.
 */
interface DiffSink
{
    /**
     * The row with this key differs, or exists on one side only.
     */
    void differs(TableName table, Key key);

    /**
     * The table differs in a way no key can name (a table without a usable key).
     */
    void tableDiffers(TableName table, String reason);
}
