package dev.ferry.runtime.config;

import dev.ferry.config.ConfigTree;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * {@code control}: the HTTP control server.
 *
 * @param enabled whether to start it
 * @param host address to bind, loopback by default
 * @param port port to bind; 0 picks a free one
 * @param token bearer token every POST must carry, if set
 * @param maxStateAge {@code /api/health} answers 500 when the applier state is older than this
 */
public record ControlConfig(boolean enabled, String host, int port, Optional<String> token, Duration maxStateAge)
{
    public ControlConfig
    {
        requireNonNull(host, "host is null");
        requireNonNull(token, "token is null");
        requireNonNull(maxStateAge, "maxStateAge is null");
    }

    static ControlConfig bind(ConfigTree config, Function<String, String> environment)
    {
        boolean enabled = config.bool("enabled", true);
        String bind = config.string("bind", "127.0.0.1:8000");
        String host = "127.0.0.1";
        int port = 8000;
        int colon = bind.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            host = bind.substring(0, colon);
            port = Integer.parseInt(bind.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        }
        catch (NumberFormatException e) {
            config.problem("bind", "must be host:port, e.g. 127.0.0.1:8000 (got \"" + bind + "\")");
        }
        Optional<String> token = config.secret("token");
        String tokenEnv = config.string("tokenEnv", null);
        if (tokenEnv != null) {
            if (token.isPresent()) {
                config.problem("tokenEnv", "set either token or tokenEnv, not both");
            }
            String value = environment.apply(tokenEnv);
            if (value == null) {
                config.problem("tokenEnv", "environment variable " + tokenEnv + " is not set");
            }
            token = Optional.ofNullable(value);
            if (value != null && value.isBlank()) {
                config.problem("tokenEnv", "environment variable " + tokenEnv + " is empty: an empty token would let anyone control the run; "
                        + "set it to a secret, or remove control.tokenEnv to run without one");
            }
        }
        else if (token.isPresent() && token.get().isBlank()) {
            config.problem("token", "is empty: an empty token would let anyone control the run; set a secret, or remove control.token "
                    + "to run without one");
        }
        Duration maxStateAge = config.duration("maxStateAge", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
        return new ControlConfig(enabled, host, port, token, maxStateAge);
    }

    @Override
    public String toString()
    {
        return "ControlConfig[" + host + ":" + port + ", token=" + (token.isPresent() ? "****" : "none") + "]";
    }
}
