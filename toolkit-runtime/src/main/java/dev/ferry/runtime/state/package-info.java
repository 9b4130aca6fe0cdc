/**
 * The ferry state document: serialization, compatibility, checkpoints, and the resume planning that
 * reconciles a saved state with the servers.
 */
package dev.ferry.runtime.state;
