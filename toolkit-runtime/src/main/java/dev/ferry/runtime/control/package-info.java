/**
 * Watching and steering a run: the control server (status page, JSON API, health, metrics, cutover
 * and stop), console progress and the progress callbacks.
 */
package dev.ferry.runtime.control;
