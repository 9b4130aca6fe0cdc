/**
 * Loads table schemas from information_schema, chooses pagination keys, creates target tables.
 */
package dev.ferry.runtime.schema;
