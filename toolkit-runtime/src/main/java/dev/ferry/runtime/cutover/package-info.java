/**
 * Cutover: the sequence that waits for the signal and the applier, runs the hooks, applies up to
 * the source's final position and verifies; the hooks and the source-replica checks it uses.
 */
package dev.ferry.runtime.cutover;
