/**
 * Finds plugins with ServiceLoader in the boot layer and in a child ModuleLayer built from plugin directories.
 */
package dev.ferry.runtime.plugin;
