/**
 * The checks that run before anything is written, shared by {@code copydb} and {@code ferry plan},
 * and the plan {@code ferry plan} prints.
 */
package dev.ferry.runtime.preflight;
