/**
 * Source and target table schemas: discovery at the start position, loading from
 * information_schema, pagination keys, creation order, the live registry, renames, target table
 * creation.
 */
package dev.ferry.runtime.schema;
