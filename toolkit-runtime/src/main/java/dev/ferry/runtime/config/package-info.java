/**
 * Binds the config file (JSON or YAML) into typed, validated sections; collects every problem at once.
 */
package dev.ferry.runtime.config;
