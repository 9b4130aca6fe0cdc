/**
 * The bulk row copy: key-ordered batches over tables and key ranges, in parallel.
 */
package dev.ferry.runtime.copy;
