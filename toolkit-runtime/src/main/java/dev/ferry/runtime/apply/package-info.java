/**
 * Applies binlog row events to the target in batches, one transaction per batch.
 */
package dev.ferry.runtime.apply;
