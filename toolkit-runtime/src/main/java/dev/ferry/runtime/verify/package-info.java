/**
 * Runs the configured verifier and keeps its latest result.
 */
package dev.ferry.runtime.verify;
