/**
 * Reads the source binlog: {@link dev.ferry.runtime.binlog.BinlogStreamer} owns the BinaryLogClient
 * (connect, reconnect), {@link dev.ferry.runtime.binlog.EventDispatcher} hands each event to its
 * handler, row images are decoded into rows and GTIDs tracked;
 * {@link dev.ferry.runtime.binlog.SourceServer} asks the source for its flavor, binlog settings and
 * current position.
 */
package dev.ferry.runtime.binlog;
