/**
 * Applies binlog row events to the target in batches, one transaction per batch, and hands schema
 * statements to a {@code SchemaChangeHandler} as a barrier.
 */
package dev.ferry.runtime.apply;
