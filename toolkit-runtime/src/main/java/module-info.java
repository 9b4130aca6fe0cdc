/**
 * ferry's pipeline. Plugins are found with ServiceLoader; the built-ins register the same way.
 */
module dev.ferry.runtime {
    requires transitive dev.ferry.api;
    requires transitive dev.ferry.config;
    requires java.net.http;
    requires jdk.httpserver;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires transitive com.zaxxer.hikari;
    requires mysql.binlog.connector.java;
    // server-side prepared INSERTs (Connector/J's JdbcConnection.serverPrepareStatement)
    requires mysql.connector.j;
    requires net.sf.jsqlparser;
    requires org.slf4j;
    // GET /metrics: the Prometheus Java client (automatic modules with stable names)
    requires io.prometheus.metrics.config;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    // the JVM metrics read the process's CPU time and open files through com.sun.management.
    // Service binding (java.management uses its provider) resolves jdk.management today; said
    // here, a runtime image without it fails at start instead of silently losing process_*.
    requires jdk.management;

    // only what the other modules' main code uses (ArchitectureTest checks it)
    exports dev.ferry.runtime;
    exports dev.ferry.runtime.binlog;
    exports dev.ferry.runtime.config;
    exports dev.ferry.runtime.control;
    exports dev.ferry.runtime.core;
    exports dev.ferry.runtime.plugin;
    exports dev.ferry.runtime.preflight;
    exports dev.ferry.runtime.schema;
    exports dev.ferry.runtime.sql;
    exports dev.ferry.runtime.state;

    // opens dev.ferry.runtime.state to com.fasterxml.jackson.databind;
    opens dev.ferry.runtime.control to com.fasterxml.jackson.databind;

    uses dev.ferry.api.filter.TableFilterFactory;
    uses dev.ferry.api.filter.CopyFilterFactory;
    uses dev.ferry.api.throttle.ThrottlerFactory;
    uses dev.ferry.api.verify.VerifierFactory;
    uses dev.ferry.api.state.StateStoreFactory;
}
