package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * {@code source} and {@code target}: how to reach a server. The password is held here and
 * nowhere else; {@link #toString()} masks it.
 *
 * @param host server host name or address
 * @param port server port (default 3306)
 * @param user user name
 * @param password the password, from {@code password} or the variable named by {@code passwordEnv}
 * @param params extra JDBC connection properties, e.g. {@code {"connectTimeout": "5000"}}
 * @param tlsMode {@code disabled}, {@code preferred}, {@code required}, {@code verify-ca} or
 *        {@code verify-identity}; the last two check the server certificate against the JVM's
 *        trust store ({@code -Djavax.net.ssl.trustStore} in {@code FERRY_OPTS})
 * @param connectTimeout connection timeout
 * @param startupWait how long a run waits at start for the server to accept connections (a pod
 *        started before its database, a server restarting), retrying with backoff
 */
public record DatabaseConfig(
        String host,
        int port,
        String user,
        Optional<String> password,
        Map<String, String> params,
        String tlsMode,
        Duration connectTimeout,
        Duration startupWait)
{
    public static final List<String> TLS_MODES = List.of("disabled", "preferred", "required", "verify-ca", "verify-identity");

    public DatabaseConfig
    {
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        params = Map.copyOf(requireNonNull(params, "params is null"));
        requireNonNull(tlsMode, "tlsMode is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(startupWait, "startupWait is null");
    }

    /**
     * A server a run does not wait for at start.
     */
    public DatabaseConfig(String host, int port, String user, Optional<String> password, Map<String, String> params, String tlsMode,
            Duration connectTimeout)
    {
        this(host, port, user, password, params, tlsMode, connectTimeout, Duration.ZERO);
    }

    static DatabaseConfig bind(PluginConfig config, Function<String, String> environment)
    {
        String host = config.requiredString("host");
        int port = config.integer("port", 3306, 1, 65535);
        String user = config.requiredString("user");
        Optional<String> password = config.secret("password");
        String passwordEnv = config.string("passwordEnv", null);
        if (password.isPresent() && passwordEnv != null) {
            config.problem("passwordEnv", "set either password or passwordEnv, not both");
        }
        else if (passwordEnv != null) {
            String value = environment.apply(passwordEnv);
            if (value == null) {
                config.problem("passwordEnv", "environment variable " + passwordEnv + " is not set");
            }
            password = Optional.ofNullable(value);
        }
        Map<String, String> params = config.stringMap("params");
        for (String key : params.keySet()) {
            if (key.equalsIgnoreCase("password") || key.equalsIgnoreCase("user")) {
                config.problem("params." + key, "set " + key + " in its own key, not in params");
            }
        }
        PluginConfig tls = config.section("tls");
        String tlsMode = tls.oneOf("mode", "preferred", TLS_MODES);
        Duration connectTimeout = config.duration("connectTimeout", Duration.ofSeconds(10));
        Duration startupWait = config.duration("startupWait", Duration.ofMinutes(1));
        return new DatabaseConfig(host, port, user, password, params, tlsMode, connectTimeout, startupWait);
    }

    /**
     * {@code user@host:port}, for messages.
     */
    public String address()
    {
        return user + "@" + host + ":" + port;
    }

    @Override
    public String toString()
    {
        return "DatabaseConfig[" + address() + ", password=" + (password.isPresent() ? "****" : "none") + ", tls=" + tlsMode + ", params=" + maskedParams() + "]";
    }

    /**
     * JDBC properties such as {@code trustCertificateKeyStorePassword} carry secrets too.
     */
    private Map<String, String> maskedParams()
    {
        Map<String, String> masked = new TreeMap<>();
        params.forEach((key, value) -> masked.put(key, key.toLowerCase(Locale.ROOT).contains("password") ? "****" : value));
        return masked;
    }
}
