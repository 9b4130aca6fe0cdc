/**
 * The ferry pipeline: assembles the plugins from the config and runs copy, streaming, verification and cutover.
 */
package dev.ferry.runtime;
