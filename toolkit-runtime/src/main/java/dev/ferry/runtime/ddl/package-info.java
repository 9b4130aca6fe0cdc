/**
 * Schema replication: parse a DDL statement (JSQLParser, with a token pre-parser), resolve it
 * against the filter and rewrites, apply it to the target and reload the schemas it changed.
 */
package dev.ferry.runtime.ddl;
