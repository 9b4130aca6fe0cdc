/**
 * Streams the source binlog: one class owns the BinaryLogClient; events are decoded into row and schema events.
 */
package dev.ferry.runtime.binlog;
