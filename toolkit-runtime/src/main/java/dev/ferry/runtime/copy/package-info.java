/**
 * The bulk row copy: key-ordered batches over tables and key ranges, in parallel, with the barrier
 * a full-copy table waits at.
 */
package dev.ferry.runtime.copy;
