package dev.ferry.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.config.ConfigTree;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * {@code progress}: progress reporting.
 *
 * @param callback where to POST the progress document, or null
 * @param interval how often
 * @param payload a custom JSON value sent along as {@code customPayload}, or null
 * @param errorCallback where to POST fatal errors, or null
 * @param json log as JSON lines instead of text
 */
public record ProgressConfig(HttpHookConfig callback, Duration interval, JsonNode payload, HttpHookConfig errorCallback, boolean json)
{
    public ProgressConfig
    {
        requireNonNull(interval, "interval is null");
    }

    static ProgressConfig bind(ConfigTree config)
    {
        HttpHookConfig callback = HttpHookConfig.bindOptional(config, "callback");
        Duration interval = config.duration("interval", Duration.ofSeconds(10));
        JsonNode payload = config.raw("payload").orElse(null);
        HttpHookConfig errorCallback = HttpHookConfig.bindOptional(config, "errorCallback");
        boolean json = config.bool("jsonLogs", false);
        return new ProgressConfig(callback, interval, payload, errorCallback, json);
    }
}
