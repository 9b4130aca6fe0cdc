/**
 * Schema replication: parse (JSQLParser), resolve against the current schema, apply.
 */
package dev.ferry.runtime.ddl;
