/**
 * ferry's plugin SPI. Depends on the JDK alone: plugins compile against this module and nothing
 * else of ferry.
 */
module dev.ferry.api {
    requires transitive java.sql;

    exports dev.ferry.api;
    exports dev.ferry.api.model;
    exports dev.ferry.api.filter;
    exports dev.ferry.api.throttle;
    exports dev.ferry.api.verify;
    exports dev.ferry.api.state;

}
