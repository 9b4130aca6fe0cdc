/**
 * Verification the runtime does itself, whatever verifier is configured: the watch of the
 * target's binlog for writes to the moved tables by anything other than the run.
 */
package dev.ferry.runtime.verify;
