/**
 * Streams the source binlog: one class owns the BinaryLogClient; events are decoded into row and schema events.
 * {@link dev.ferry.runtime.binlog.SourceServer} asks the source for its flavor, binlog settings and current position.
 */
package dev.ferry.runtime.binlog;
