/**
 * SQL text building shared by copy, apply and verification.
 */
package dev.ferry.runtime.sql;
