/**
 * The ferry state document: serialization, checkpoints and resume reconciliation.
 */
package dev.ferry.runtime.state;
