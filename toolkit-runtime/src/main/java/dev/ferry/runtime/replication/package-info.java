/**
 * The replication stage: the binlog stream of the source feeding the applier of the target,
 * started, watched and stopped together.
 */
package dev.ferry.runtime.replication;
