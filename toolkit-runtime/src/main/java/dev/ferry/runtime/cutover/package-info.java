/**
 * Cutover: waits for the copy and the applier, stops streaming at the source's final position, verifies.
 */
package dev.ferry.runtime.cutover;
