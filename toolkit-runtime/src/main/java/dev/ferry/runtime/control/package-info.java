/**
 * The control server: status page, JSON API, health and metrics.
 */
package dev.ferry.runtime.control;
