/**
 * JMH benchmarks of ferry's hot paths. JMH itself needs {@code sun.misc.Unsafe}, so the benchmarks
 * run on the class path ({@code benchmarks/run-jmh}); this descriptor keeps the module compiled
 * against the runtime's exported API only.
 */
module dev.ferry.benchmarks {
    requires dev.ferry.runtime;
    requires dev.ferry.plugins.verifiers;
    requires jmh.core;
    requires mysql.binlog.connector.java;
}
