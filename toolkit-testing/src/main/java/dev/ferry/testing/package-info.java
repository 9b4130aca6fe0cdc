/**
 * The integration-test harness: real MySQL-family servers (external, Testcontainers or the sandbox) and a unique database per test.
 */
package dev.ferry.testing;
