/**
 * The integration-test harness: gives every IT real MySQL-family servers and its own databases.
 */
module dev.ferry.testing {
    requires transitive org.junit.jupiter.api;
    requires transitive java.sql;

    exports dev.ferry.testing;
}
