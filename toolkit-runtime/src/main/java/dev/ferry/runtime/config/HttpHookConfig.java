package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP callback: ferry POSTs a JSON document to {@code url}.
 */
public record HttpHookConfig(URI url, Duration timeout, Map<String, String> headers)
{
    public HttpHookConfig
    {
        requireNonNull(url, "url is null");
        requireNonNull(timeout, "timeout is null");
        headers = Map.copyOf(requireNonNull(headers, "headers is null"));
    }

    /**
     * Binds the hook under {@code key} of {@code parent}, or returns null when absent.
     */
    static HttpHookConfig bindOptional(PluginConfig parent, String key)
    {
        if (!parent.has(key)) {
            return null;
        }
        PluginConfig config = parent.section(key);
        String url = config.requiredString("url");
        Duration timeout = config.duration("timeout", Duration.ofSeconds(30));
        Map<String, String> headers = config.stringMap("headers");
        URI uri = null;
        try {
            uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                config.problem("url", "must be an http:// or https:// URL (got \"" + url + "\")");
            }
        }
        catch (IllegalArgumentException e) {
            if (!url.isEmpty()) {
                config.problem("url", "is not a valid URL: " + e.getMessage());
            }
        }
        return uri == null ? null : new HttpHookConfig(uri, timeout, headers);
    }

    @Override
    public String toString()
    {
        return "HttpHookConfig[" + url + ", headers=" + headers.keySet() + "]";
    }
}
