/**
 * The run of a move: {@code Ferry} is its phase machine, {@code RunAssembly} wires the stages, and
 * the plugins, metrics and plugin context a config selects.
 */
package dev.ferry.runtime;
