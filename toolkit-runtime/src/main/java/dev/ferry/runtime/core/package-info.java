/**
 * Primitives shared by the stages and below all of them: the run's phases and signals, the ferry
 * version, the in-ferry table locks and the throttle gate.
 */
package dev.ferry.runtime.core;
