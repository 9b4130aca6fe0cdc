package dev.ferry.runtime.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.api.FerryException;
import dev.ferry.api.SqlFailures;
import dev.ferry.runtime.config.DatabaseConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Connection pools for the source and the target, with ferry's session settings.
 */
public final class DataSources
{
    private static final Logger log = LoggerFactory.getLogger(DataSources.class);

    private DataSources() {}

    /**
     * A pool of up to {@code maxConnections} connections.
     *
     * @param name pool name for logs, e.g. {@code source}
     * @param rawResults whether results come back as raw stored bytes (copy reads)
     * @param foreignKeyChecks whether sessions keep {@code foreign_key_checks} on
     */
    public static HikariDataSource create(DatabaseConfig config, String name, int maxConnections, boolean rawResults, boolean foreignKeyChecks)
    {
        return create(config, name, maxConnections, rawResults, foreignKeyChecks, false);
    }

    /**
     * @param loadLocalInfile whether the connections may send {@code LOAD DATA LOCAL} streams
     *        (the copy's bulk write to the target); the driver then also answers such a request
     *        from the server, so only a trusted server gets it
     */
    public static HikariDataSource create(DatabaseConfig config, String name, int maxConnections, boolean rawResults, boolean foreignKeyChecks,
            boolean loadLocalInfile)
    {
        return create(config, name, maxConnections, rawResults, foreignKeyChecks, loadLocalInfile, "");
    }

    /**
     * @param sessionSettings more {@code name = value} assignments every session makes (see
     *        {@link SessionSettings#initSql(boolean, boolean, String)}), or empty
     */
    public static HikariDataSource create(DatabaseConfig config, String name, int maxConnections, boolean rawResults, boolean foreignKeyChecks,
            boolean loadLocalInfile, String sessionSettings)
    {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("ferry-" + name);
        String url = jdbcUrl(config);
        if (loadLocalInfile && !config.params().containsKey("allowLoadLocalInfile")) {
            url += "&allowLoadLocalInfile=true";
        }
        hikari.setJdbcUrl(url);
        hikari.setDriverClassName("com.mysql.cj.jdbc.Driver");
        hikari.setUsername(config.user());
        config.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(maxConnections);
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        hikari.setInitializationFailTimeout(-1);
        hikari.setConnectionInitSql(SessionSettings.initSql(rawResults, foreignKeyChecks, sessionSettings));
        hikari.setAutoCommit(true);
        return new HikariDataSource(hikari);
    }

    /**
     * Waits until {@code pool}'s server accepts a connection, for up to {@code server.startupWait()}
     * while the failure is one that passes (the server is down, starting, restarting, out of
     * connections), retrying with backoff; fails at once on any other error (wrong password,
     * unknown host).
     *
     * @throws FerryException naming the server, the SQL code and state, and the key to change
     */
    public static void awaitServer(DataSource pool, DatabaseConfig server, String role)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + server.startupWait().toNanos();
        for (int failures = 0; ; failures++) {
            try (Connection connection = pool.getConnection()) {
                if (failures > 0) {
                    log.info("the {} {} accepts connections now", role, server.address());
                }
                return;
            }
            catch (SQLException e) {
                Duration delay = SqlFailures.retryDelay(Duration.ofMillis(500), failures);
                if (!SqlFailures.isRetryable(e)) {
                    throw new FerryException("cannot connect to the " + role + " " + server.address() + ": " + SqlFailures.describe(e), e);
                }
                if (System.nanoTime() + delay.toNanos() > deadline) {
                    throw new FerryException("cannot connect to the " + role + " " + server.address() + ": " + SqlFailures.describe(e)
                            + (server.startupWait().isZero() ? "" : " (waited " + server.startupWait().toSeconds() + "s; " + role
                                    + ".startupWait sets how long a run waits for it)"), e);
                }
                log.warn("cannot connect to the {} {} yet ({}); retrying in {} ms, for up to {} in all ({}.startupWait)", role, server.address(),
                        SqlFailures.describe(e), delay.toMillis(), server.startupWait(), role);
                Thread.sleep(delay.toMillis());
            }
        }
    }

    /**
     * The JDBC URL for a server, without credentials.
     */
    public static String jdbcUrl(DatabaseConfig config)
    {
        Map<String, String> params = new TreeMap<>();
        params.put("sslMode", config.tlsMode().toUpperCase(Locale.ROOT).replace('-', '_'));
        params.put("allowPublicKeyRetrieval", "true");
        params.put("characterEncoding", "UTF-8");
        params.put("connectionTimeZone", "UTC");
        params.put("forceConnectionTimeZoneToSession", "false");
        params.put("useServerPrepStmts", "false");
        // the applier's deletes from keyless tables go as JDBC batches: one round trip for many rows
        params.put("rewriteBatchedStatements", "true");
        params.put("cachePrepStmts", "true");
        params.put("prepStmtCacheSize", "256");
        params.put("prepStmtCacheSqlLimit", "65536");
        params.put("tinyInt1isBit", "false");
        params.put("yearIsDateType", "false");
        params.put("zeroDateTimeBehavior", "CONVERT_TO_NULL");
        params.put("maxAllowedPacket", "268435456");
        params.put("connectTimeout", Long.toString(config.connectTimeout().toMillis()));
        params.put("socketTimeout", "0");
        params.put("tcpKeepAlive", "true");
        params.putAll(config.params());
        StringBuilder url = new StringBuilder("jdbc:mysql://").append(config.host()).append(':').append(config.port()).append('/');
        char separator = '?';
        for (Map.Entry<String, String> entry : params.entrySet()) {
            url.append(separator).append(entry.getKey()).append('=').append(java.net.URLEncoder.encode(entry.getValue(), java.nio.charset.StandardCharsets.UTF_8));
            separator = '&';
        }
        return url.toString();
    }
}
