/**
 * Connection pools and the session they run with, SQL building (INSERT, LOAD DATA, key predicates),
 * key encoding and SQL error classification, shared by copy, apply and verification.
 */
package dev.ferry.runtime.sql;
