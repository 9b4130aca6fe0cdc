/**
 * Reads the source binlog: one class owns the BinaryLogClient, checks the source's binlog settings
 * and reads its positions; row images are decoded into rows, GTIDs tracked.
 */
package dev.ferry.runtime.binlog;
